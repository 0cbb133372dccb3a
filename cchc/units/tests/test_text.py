import unicodedata

from cchc.units.text import normalize_vn


def test_strips_diacritics_and_maps_d():
    assert normalize_vn("Đắk Lắk") == "dak lak"
    assert normalize_vn("Thị trấn Phú Phong") == "thi tran phu phong"


def test_collapses_whitespace_and_case():
    assert normalize_vn("  Xã   TÂY\tSƠN \n") == "xa tay son"


def test_decomposed_and_precomposed_unicode_agree():
    name = "Phường Quy Nhơn Đông"
    assert normalize_vn(unicodedata.normalize("NFD", name)) == normalize_vn(name)
    # Old and new tone placement ("Hoà" / "Hòa") read the same.
    assert normalize_vn("Bình Hoà") == normalize_vn("Bình Hòa")


def test_empty():
    assert normalize_vn("") == ""
