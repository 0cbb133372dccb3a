"""WCAG 2.1 AA on the public pages, checked by axe-core in the real browser.

axe is served as a same-origin static file (so the pages' CSP allows it) and run with
the wcag2a/wcag2aa/wcag21a/wcag21aa rules; any violation fails with its rule and nodes.
"""

from __future__ import annotations

import pytest

from cchc.dossiers.tests.factories import make_world

AXE = "/static/ops/vendor/axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def one_stop(db):
    return make_world().one_stop


def _violations(page, url: str) -> list[str]:
    page.goto(url, timeout=60_000)  # the first page of a cold live server on a busy machine
    page.add_script_tag(url=AXE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in result["violations"]
    ]


@pytest.mark.parametrize(
    "path",
    ["/dvc/", "/dvc/tra-cuu/", "/dvc/thu-tuc/", "/indices/public/", "kiosk"],
)
def test_public_page_has_no_wcag_aa_violations(page, live_server, one_stop, path):
    if path == "kiosk":
        path = f"/floor/lay-so/{one_stop.pk}/"
    problems = _violations(page, live_server.url + path)
    assert not problems, "\n".join(problems)
