"""The committed English catalogues (the project's and each app's) are complete and their
compiled .mo files match the .po files, so a deployment needs no gettext tools."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

CCHC = Path(settings.BASE_DIR) / "cchc"
LC = CCHC / "locale" / "en" / "LC_MESSAGES"
CATALOGS = [LC, *sorted(CCHC.glob("*/locale/en/LC_MESSAGES"))]
each_catalog = pytest.mark.parametrize(
    "lc", CATALOGS, ids=[str(c.relative_to(CCHC)).split("/locale")[0] for c in CATALOGS]
)


def _po_entries(lc: Path = LC) -> dict[str, str]:
    text = (lc / "django.po").read_text(encoding="utf-8")
    entries = {}
    for block in text.split("\n\n"):
        if block.lstrip().startswith("#~"):
            continue  # obsolete
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        msgstr = re.search(r'^msgstr ((?:".*"\n?)+)', block, re.M)
        if not msgid or not msgstr:
            continue

        def join(raw):
            return "".join(re.findall(r'"(.*)"', raw)).replace('\\"', '"').replace("\\\\", "\\")

        entries[join(msgid.group(1))] = join(msgstr.group(1))
    entries.pop("", None)
    return entries


def test_the_project_catalogue_is_there():
    assert len(_po_entries(LC)) > 50


@each_catalog
def test_every_string_has_an_english_translation(lc):
    entries = _po_entries(lc)
    assert [k for k, v in entries.items() if not v] == []
    assert "#, fuzzy" not in (lc / "django.po").read_text(encoding="utf-8").split('msgid ""')[1]


@each_catalog
def test_compiled_catalogue_matches_the_po_file(lc):
    with (lc / "django.mo").open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)
    for msgid, msgstr in _po_entries(lc).items():
        assert catalog.gettext(msgid) == msgstr, msgid


@each_catalog
def test_placeholders_survive_translation(lc):
    for msgid, msgstr in _po_entries(lc).items():
        assert sorted(re.findall(r"%\(\w+\)\w", msgid)) == sorted(
            re.findall(r"%\(\w+\)\w", msgstr)
        ), msgid
