from cchc.documents.qr import qr_svg


def test_svg_is_inline_and_escaped():
    svg = qr_svg('https://example.vn/?a=1&b="2"')
    assert svg.startswith("<svg") and "<?xml" not in svg
    assert '&b="2"' not in svg


def test_longer_text_gives_a_larger_symbol():
    assert len(qr_svg("x" * 150)) > len(qr_svg("HELLO"))
