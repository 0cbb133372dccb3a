"""QR codes for printed forms and pages (segno: pure Python, BSD; no network)."""

from __future__ import annotations

import io

import segno


def qr_svg(text: str) -> str:
    """An inline SVG QR code for `text` (no XML declaration; safe to embed in HTML)."""
    buf = io.BytesIO()
    segno.make(text, error="m", micro=False).save(
        buf, kind="svg", xmldecl=False, svgns=True, border=4, nl=False, omitsize=True
    )
    return buf.getvalue().decode("utf-8")
