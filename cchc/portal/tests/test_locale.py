"""The portal's English catalogue is complete, compiled, and used by its pages."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from django.urls import reverse

LC = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES"


def _entries() -> dict[str, str]:
    text = (LC / "django.po").read_text(encoding="utf-8")
    pairs = re.findall(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', text, re.M)
    out = {"".join(re.findall(r'"(.*)"', a)): "".join(re.findall(r'"(.*)"', b)) for a, b in pairs}
    out.pop("", None)
    return out


def test_catalogue_complete_and_compiled():
    entries = _entries()
    assert len(entries) > 100 and not [k for k, v in entries.items() if not v]
    with (LC / "django.mo").open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)
    for msgid, msgstr in entries.items():
        assert catalog.gettext(msgid.replace('\\"', '"')) == msgstr.replace('\\"', '"')


def test_pages_in_english(client, world):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("portal:lookup")).content.decode()
    assert "Track an application&#x27;s status" in html or "Track an application's status" in html
    assert "Tra cứu tình trạng hồ sơ" not in html
