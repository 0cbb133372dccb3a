"""The committed English catalogue is complete and its compiled .mo matches the .po,
so a deployment needs no gettext tools."""

import gettext
import re
from pathlib import Path

from django.conf import settings

LC = Path(settings.BASE_DIR) / "cchc" / "locale" / "en" / "LC_MESSAGES"


def _po_entries() -> dict[str, str]:
    text = (LC / "django.po").read_text(encoding="utf-8")
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


def test_every_string_has_an_english_translation():
    entries = _po_entries()
    assert len(entries) > 50
    assert [k for k, v in entries.items() if not v] == []
    assert "#, fuzzy" not in (LC / "django.po").read_text(encoding="utf-8").split('msgid ""')[1]


def test_compiled_catalogue_matches_the_po_file():
    with (LC / "django.mo").open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)
    for msgid, msgstr in _po_entries().items():
        assert catalog.gettext(msgid) == msgstr, msgid


def test_placeholders_survive_translation():
    for msgid, msgstr in _po_entries().items():
        assert sorted(re.findall(r"%\(\w+\)\w", msgid)) == sorted(
            re.findall(r"%\(\w+\)\w", msgstr)
        ), msgid
