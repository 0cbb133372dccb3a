"""Real browser: paste the seed notice, review, correct one unit, confirm, see the board."""

from __future__ import annotations

import pytest

from cchc.core.testing.browser import sign_in
from cchc.directives.models import Task

from .test_parsing import SEED, SEED_EXCERPT


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_paste_review_correct_confirm(page, live_server, tree):
    from cchc.accounts.models import Role, RoleAssignment
    from cchc.accounts.services import user_create

    user = user_create(username="ct.huyen", password="x-Secret-123", full_name="Phan Chí Hùng")
    # role_assign refuses closed units; the follow-up of a former district's notices is
    # set up directly here (a test of the screens, not of role assignment).
    RoleAssignment.objects.create(
        user=user, role=Role.CHAIRMAN, unit=tree.old_province, include_subtree=True
    )
    if SEED.exists():
        text = SEED.read_text(encoding="utf-8")
    else:  # the excerpt plus an item whose addressee the tree does not know by that name
        text = SEED_EXCERPT.replace(
            "\n\nTrên đây", "\n\n3. Đề nghị Đoàn thanh niên tăng cường chỉ đạo.\n\nTrên đây"
        )

    sign_in(page, "ct.huyen", "x-Secret-123", next_path="/directives/import/")
    page.select_option("#issuer", str(tree.district.pk))
    page.fill("#text", text)
    page.get_by_role("button", name="Trích xuất nhiệm vụ").click()
    page.wait_for_url("**/directives/drafts/*/")
    assert page.locator("pre").inner_text().startswith("THÔNG BÁO")
    # "Đoàn thanh niên" matches no unit: the field is empty and flagged; the reviewer
    # picks Huyện đoàn.
    empty = page.locator("input[name$='-lead'][value='']").first
    legend = empty.locator("xpath=ancestor::fieldset/legend").inner_text()
    assert "Cần rà soát" in legend
    empty.fill("T-D.HD")
    page.get_by_role("button", name="Xác nhận và giao nhiệm vụ").click()
    page.wait_for_url("**/directives/documents/*/")
    board = page.locator("table.tasks").inner_text()
    assert "Huyện đoàn Tây Sơn" in board
    assert "Chi nhánh Văn phòng Đăng ký đất đai huyện Tây Sơn" in board or not SEED.exists()
    expected = 14 if SEED.exists() else 4
    assert page.locator("table.tasks tbody tr").count() == expected
    assert Task.objects.count() == expected
    assert Task.objects.filter(lead_units__code="T-D.HD").exists()
