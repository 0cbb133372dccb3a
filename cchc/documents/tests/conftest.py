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


@pytest.fixture(scope="session")
def dev_pki_dir(tmp_path_factory):
    from cchc.documents import signing

    directory = tmp_path_factory.mktemp("pki") / "dev"
    signing.dev_ca_ensure(directory)
    return directory


@pytest.fixture(autouse=True)
def _signing_in_tmp(settings, dev_pki_dir):
    # Never write test keys into the working tree's var/.
    settings.CCHC_SIGNING = {"DEV_CA_DIR": dev_pki_dir}
    settings.CCHC_PUBLIC_BASE_URL = "https://dvc.example.vn"
