"""Primary keys in templates are printed unlocalized: with USE_THOUSAND_SEPARATOR a key of
10320 would become "10.320" in a link or a form value (seen on PostgreSQL, whose keys grow)."""

import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.utils import translation

RAW_ID = re.compile(r"\{\{\s*[\w.]+\.(pk|id|task_id|unit_id)\s*\}\}")


def test_no_template_prints_a_raw_primary_key():
    root = Path(settings.BASE_DIR) / "cchc"
    offenders = [
        f"{path.relative_to(root)}: {m.group(0)}"
        for path in root.rglob("templates/**/*.html")
        for m in RAW_ID.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_unlocalize_is_available_without_loading_it():
    class Row:
        pk = 10320

    with translation.override("vi"):
        assert Template("{{ r.pk }}").render(Context({"r": Row()})) == "10.320"
        assert Template("{{ r.pk|unlocalize }}").render(Context({"r": Row()})) == "10320"
