"""pytest plugin: drive the real Chromium through Playwright against `live_server`.

Registered in the root conftest.py (`pytest_plugins = ["cchc.core.testing.browser"]`).

- `browser`: one Chromium for the session, Debian's /usr/bin/chromium (never a browser
  downloaded by `playwright install`); missing Chromium is a failure, not a skip, so a
  CI without it cannot pass silently.
- `page`: a fresh context per test (no shared cookies), Vietnamese locale, Vietnam time
  zone, `base_url` = the live server, so tests write `page.goto("/")`. A Content
  Security Policy violation reported by the browser fails the test.
- Every test using `browser` or `page` is marked `browser` automatically
  (`pytest -m "not browser"` skips them, as the PostgreSQL pass of `make test` does).
- `sign_in(page, username, password)` fills the login form.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER_FIXTURES = {"browser", "page"}
DEFAULT_TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        if BROWSER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "Browser tests need Debian's Chromium at /usr/bin/chromium: "
            "`apt-get install chromium` (CI installs it). Never run `playwright install`. "
            'Skip these tests deliberately with -m "not browser".',
            pytrace=False,
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - dev requirements always have it
        pytest.fail("Browser tests need the playwright package (requirements/dev.txt).")
    # Playwright's sync API runs an asyncio loop in this thread; Django would then refuse
    # the test's own (synchronous) database calls. Allowed only while the browser runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=executable, args=CHROMIUM_ARGS, headless=True
            )
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server) -> Iterator:
    context = browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        base_url=live_server.url,
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    tab = context.new_page()
    csp_violations: list[str] = []
    tab.on(
        "console",
        lambda msg: (
            csp_violations.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    try:
        yield tab
    finally:
        context.close()
    if csp_violations:
        pytest.fail("Content Security Policy violations:\n" + "\n".join(csp_violations))


def sign_in(page, username: str, password: str, *, next_path: str = "/") -> None:
    """Open the login page and submit the form (in whatever language the page is in)."""
    page.goto(f"/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form:has(#id_password) button[type=submit]").click()
    page.wait_for_load_state()
