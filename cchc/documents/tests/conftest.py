"""Fixtures for the documents tests: the dossier world and clock, a dev PKI in a temp dir."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from cchc.dossiers.tests.conftest import clock, world  # noqa: F401  (re-exported fixtures)


def pdf_text(data: bytes, tmp_path, *, layout: bool = False) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + [str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True).stdout.decode()


def pdf_fonts(data: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdffonts", str(path)], check=True, capture_output=True).stdout.decode()


requires_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed"
)
