"""The Word template stays usable after office staff edit it: a round trip through
LibreOffice Writer (what saving from an office suite does to the XML: runs split and
merged, styles rewritten) still renders the same report, and a mistyped tag is found."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from docx import Document

from cchc.indices.periods import parse_period
from cchc.reports.build_template import TEMPLATE
from cchc.reports.data import report_data
from cchc.reports.render import CONTEXT_NAMES, context, template_unknown_tags, to_docx

pytestmark = pytest.mark.django_db


def _content(docx: bytes) -> tuple[list[str], list[list[str]]]:
    doc = Document(io.BytesIO(docx))
    paragraphs = [p.text.strip() for p in doc.paragraphs if p.text.strip()]
    cells = [[c.text.strip() for r in t.rows for c in r.cells] for t in doc.tables]
    return paragraphs, cells


def test_the_shipped_template_uses_only_names_the_report_provides(world):
    data = report_data(unit=world.commune, period=parse_period("2026-11"))
    assert set(context(data)) == set(CONTEXT_NAMES)
    assert template_unknown_tags(str(TEMPLATE)) == []


def test_a_mistyped_tag_is_reported(tmp_path):
    doc = Document(str(TEMPLATE))
    doc.add_paragraph("Ghi chú: {{ ghi_chu_moi }}")
    path = tmp_path / "edited.docx"
    doc.save(str(path))
    assert template_unknown_tags(str(path)) == ["ghi_chu_moi"]


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice not installed")
def test_template_renders_the_same_after_a_libreoffice_round_trip(world, tmp_path):
    out = tmp_path / "out"
    subprocess.run(
        [
            "libreoffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            str(TEMPLATE),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    saved = out / TEMPLATE.name
    assert saved.read_bytes() != TEMPLATE.read_bytes()  # really rewritten by Writer
    assert template_unknown_tags(str(saved)) == []
    data = report_data(unit=world.commune, period=parse_period("2026-11"))
    before = _content(to_docx(data, recipients=["Văn phòng UBND tỉnh"]))
    after = _content(to_docx(data, recipients=["Văn phòng UBND tỉnh"], template=str(saved)))
    assert after == before
    paragraphs, _ = after
    assert "tiếp nhận 3 hồ sơ" in "\n".join(paragraphs)
