"""Real browser: a coordinating unit finds what it owes, sends its part with a file; the
lead unit sees it received before reporting."""

from __future__ import annotations

import pytest

from cchc.core.testing.browser import sign_in
from cchc.directives.models import Contribution

from .conftest import TINY_PDF


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_coordinating_contribution_end_to_end(page, live_server, confirmed, people, tree):
    t1 = confirmed.tasks.get(position=0)
    # The lead unit first sees the part still missing.
    sign_in(page, "cv.vp", "x-Secret-123", next_path=f"/directives/tasks/{t1.pk}/")
    assert page.get_by_text("Còn 1 đơn vị phối hợp chưa gửi phần việc.").is_visible()
    page.context.clear_cookies()

    sign_in(page, "cv.pkt", "x-Secret-123", next_path="/")
    page.get_by_role("link", name="Việc phối hợp").first.click()
    page.wait_for_url("**/directives/coordination/")
    row = page.locator("table.coordination tbody tr").first
    assert "Chưa gửi" in row.inner_text() and "quá hạn" in row.inner_text()
    row.get_by_role("link").click()
    page.wait_for_url(f"**/directives/tasks/{t1.pk}/#phoi-hop")
    form = page.locator("form[id^=contribute-]")
    form.get_by_role("button", name="Gửi phần phối hợp").click()  # nothing written yet
    page.get_by_role("alert").get_by_text("Vui lòng nhập nội dung phối hợp.").wait_for()
    form = page.locator("form[id^=contribute-]")
    form.locator("textarea").fill("Phòng Kinh tế cử 02 công chức tham gia tập huấn.")
    form.locator("input[type=file]").set_input_files(
        [{"name": "Danh sach cu can bo.pdf", "mimeType": "application/pdf", "buffer": TINY_PDF}]
    )
    form.get_by_role("button", name="Gửi phần phối hợp").click()
    page.get_by_text("Đã gửi phần phối hợp cho đơn vị chủ trì.").wait_for()
    c = Contribution.objects.get(task=t1, unit=tree.c_pkt)
    assert c.status == "submitted" and c.files.count() == 1
    page.goto("/directives/coordination/")
    assert "Đã gửi" in page.locator("table.coordination tbody tr").first.inner_text()
    page.context.clear_cookies()

    sign_in(page, "cv.vp", "x-Secret-123", next_path=f"/directives/tasks/{t1.pk}/")
    table = page.locator("table.contributions").inner_text()
    assert "Phòng Kinh tế cử 02 công chức tham gia tập huấn." in table
    assert "trễ hạn" in table  # due 12/11/2025
    assert page.get_by_text("chưa gửi phần việc").count() == 0
    with page.expect_download() as download:
        page.get_by_role("link", name="Danh sach cu can bo.pdf").click()
    path = download.value.path()
    with open(path, "rb") as fh:
        assert fh.read() == TINY_PDF
    history = page.locator(".history").inner_text()
    assert "T-C.PKT gửi phần phối hợp (trễ hạn), 1 tệp." in history
