"""The top menu's areas in the real browser: drop-downs open, one at a time, and lead on."""

import re

import pytest
from playwright.sync_api import expect

from cchc.accounts.models import Role
from cchc.accounts.tests.conftest import grant, make_unit, make_user
from cchc.core.testing.browser import sign_in
from cchc.units.models import UnitKind

pytestmark = pytest.mark.browser

PASSWORD = "Mat-khau-2026!"


def test_chairman_opens_an_area_and_follows_a_link(page, transactional_db):
    province = make_unit("Tỉnh Thử", UnitKind.PROVINCE)
    chairman = make_user("chutich", password=PASSWORD)
    grant(chairman, Role.CHAIRMAN, province)
    sign_in(page, "chutich", PASSWORD)

    nav = page.locator("nav.main-nav")
    measure = nav.locator("details.nav-group", has_text="Đánh giá")
    steering = nav.locator("details.nav-group", has_text="Chỉ đạo, điều hành")
    index_link = measure.get_by_role("link", name="Chỉ số 766")
    expect(index_link).to_be_hidden()

    measure.locator("summary").click()
    expect(index_link).to_be_visible()
    steering.locator("summary").click()  # opening another area closes the first
    expect(index_link).to_be_hidden()
    page.keyboard.press("Escape")
    expect(steering).not_to_have_attribute("open", "")

    measure.locator("summary").click()
    index_link.click()
    expect(page).to_have_url(re.compile(r"/indices/"))
    # The area of the current page is marked.
    expect(page.locator("details.nav-group.active summary")).to_have_text("Đánh giá")
