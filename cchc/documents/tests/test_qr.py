import shutil
import subprocess

import pytest

from cchc.documents.qr import qr_matrix, qr_svg


def _png(matrix, path, scale=6, border=4):
    from PIL import Image

    n = len(matrix) + 2 * border
    img = Image.new("L", (n, n), 255)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                img.putpixel((x + border, y + border), 0)
    img.resize((n * scale, n * scale), Image.NEAREST).save(path)


def test_sizes_grow_with_the_text_and_finder_patterns_are_in_place():
    small, big = qr_matrix("HELLO"), qr_matrix("https://example.vn/" + "a" * 150)
    assert len(small) == 21  # version 1
    assert len(big) > 41  # version >= 7 carries version information
    for m in (small, big):
        n = len(m)
        for x0, y0 in ((0, 0), (n - 7, 0), (0, n - 7)):
            assert all(m[y0][x0 + i] for i in range(7))  # finder top edge
            assert not m[y0 + 1][x0 + 1] and m[y0 + 3][x0 + 3]


def test_too_long_text_is_refused():
    with pytest.raises(ValueError):
        qr_matrix("x" * 400)


def test_svg_is_inline_and_escaped():
    svg = qr_svg('https://example.vn/?a=1&b="2"')
    assert svg.startswith("<svg") and "<?xml" not in svg
    assert '&b="2"' not in svg


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools not installed")
@pytest.mark.parametrize(
    "text",
    [
        "https://dvc.example.vn/dvc/tra-cuu/?ma=H01.50.05-261116-0001",
        "https://dvc.example.vn/documents/xac-thuc/" + "Ab9_-" * 9 + "/",
        "x" * 150,
    ],
)
def test_a_reader_decodes_what_we_encode(text, tmp_path):
    path = tmp_path / "qr.png"
    _png(qr_matrix(text), path)
    out = subprocess.run(["zbarimg", "-q", "--raw", str(path)], capture_output=True, check=True)
    assert out.stdout.decode().strip() == text
