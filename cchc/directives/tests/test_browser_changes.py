"""Real browser: the issuer edits a confirmed task (htmx panel) and cancels one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cchc.core.testing.browser import sign_in
from cchc.directives.models import Contribution, Task, TaskStatus


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_edit_a_confirmed_task(page, live_server, confirmed, people, tree):
    from cchc.accounts.models import Role
    from cchc.accounts.services import role_assign, user_create

    officer = user_create(username="cv.pkt2", password="x-Secret-123", full_name="Lê Thị Lan")
    role_assign(user=officer, role=Role.SPECIALIST, unit=tree.c_pkt)
    t1 = confirmed.tasks.get(position=0)
    sign_in(page, "ct.tayson", "x-Secret-123", next_path=f"/directives/tasks/{t1.pk}/")
    page.get_by_role("link", name="Điều chỉnh, hủy nhiệm vụ").click()
    page.wait_for_url(f"**/directives/tasks/{t1.pk}/edit/")

    # Hand the task to Phòng Kinh tế, the office coordinating (htmx swaps the panel).
    page.fill("#lead", "T-C.PKT")
    page.fill("#coordinating", "T-C.VP")
    page.fill("#units-note", "Theo ý kiến Phó Chủ tịch")
    page.locator("#form-units button[type=submit]").click()
    page.locator("#edit-done").get_by_text("Đã cập nhật đơn vị chủ trì, phối hợp.").wait_for()
    assert page.locator("#cur-lead").inner_text() == "Phòng Kinh tế xã Tây Sơn"
    assert page.locator("#cur-coordinating").inner_text() == "Văn phòng HĐND và UBND xã Tây Sơn"
    # The owner list now offers the new lead unit's officers.
    options = page.locator("#owner option").all_inner_texts()
    assert "Lê Thị Lan" in options and "cv.vp" not in options
    page.select_option("#owner", label="Lê Thị Lan")
    page.locator("#form-owner button[type=submit]").click()
    page.locator("#edit-done").get_by_text("Đã cập nhật người phụ trách.").wait_for()
    assert page.locator("#cur-owner").inner_text() == "Lê Thị Lan"

    # A deadline in the past is refused, in Vietnamese, and nothing changes.
    page.fill("#deadline", (timezone.localdate() - dt.timedelta(days=3)).isoformat())
    page.locator("#form-deadline button[type=submit]").click()
    page.locator("#form-deadline .error").get_by_text(
        "Thời hạn mới không được trước ngày hôm nay."
    ).wait_for()
    t1.refresh_from_db()
    assert t1.deadline.date() == dt.date(2025, 11, 14)
    new_day = timezone.localdate() + dt.timedelta(days=40)
    while new_day.weekday() >= 5:
        new_day += dt.timedelta(days=1)
    page.fill("#deadline", new_day.isoformat())
    page.fill("#contribution_days", "3")
    page.locator("#form-deadline button[type=submit]").click()
    page.locator("#edit-done").get_by_text("Đã cập nhật thời hạn.").wait_for()
    assert page.locator("#cur-deadline").inner_text().startswith(new_day.strftime("%d/%m/%Y"))

    page.locator("#form-recurrence input[value=monthly]").uncheck()
    page.locator("#form-recurrence input[value=quarterly]").check()
    page.locator("#form-recurrence button[type=submit]").click()
    page.locator("#edit-done").get_by_text("Đã cập nhật kỳ báo cáo.").wait_for()

    history = page.locator("#history").inner_text()
    assert "Đổi đơn vị chủ trì: T-C.VP → T-C.PKT" in history
    assert "Ghi chú: Theo ý kiến Phó Chủ tịch" in history
    assert "Phân công người phụ trách: Lê Thị Lan." in history
    assert "Đổi kỳ báo cáo: hằng quý." in history
    t1.refresh_from_db()
    assert [u.code for u in t1.lead_units.all()] == ["T-C.PKT"]
    assert t1.owner == officer and t1.recurrence == ["quarterly"]
    assert timezone.localtime(t1.deadline).date() == new_day
    assert Contribution.objects.get(task=t1, unit=tree.c_vp).status == "owed"
    assert list(t1.events.values_list("kind", flat=True)) == [
        "assigned",
        "units_changed",
        "owner",
        "deadline_changed",
        "recurrence_changed",
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_cancel_a_task(page, live_server, confirmed, people):
    t2 = confirmed.tasks.get(position=1)
    sign_in(page, "ct.tayson", "x-Secret-123", next_path=f"/directives/tasks/{t2.pk}/edit/")
    page.locator("#form-cancel button[type=submit]").click()
    page.get_by_role("alert").get_by_text("Vui lòng ghi rõ lý do hủy nhiệm vụ.").wait_for()
    assert Task.objects.get(pk=t2.pk).status == TaskStatus.ASSIGNED
    page.fill("#reason", "Đã thực hiện trong Kế hoạch 15/KH-UBND")
    page.locator("#form-cancel button[type=submit]").click()
    page.wait_for_url(f"**/directives/tasks/{t2.pk}/")
    assert page.locator("#task-status").inner_text() == "Đã hủy"
    assert page.locator("#cancel-reason").inner_text() == "Đã thực hiện trong Kế hoạch 15/KH-UBND"
    assert page.get_by_role("link", name="Điều chỉnh, hủy nhiệm vụ").count() == 0
    assert (
        "Hủy nhiệm vụ. Lý do: Đã thực hiện trong Kế hoạch 15/KH-UBND"
        in page.locator(".history").inner_text()
    )
    t2.refresh_from_db()
    assert t2.status == TaskStatus.CANCELLED
    # The lead unit no longer sees a report form on a cancelled task.
    page.context.clear_cookies()
    sign_in(page, "cv.pkt", "x-Secret-123", next_path=f"/directives/tasks/{t2.pk}/")
    assert page.get_by_role("button", name="Gửi báo cáo").count() == 0
