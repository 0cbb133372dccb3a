from cchc.core.text import strip_diacritics


def test_strips_every_vietnamese_mark_including_d_bar():
    assert strip_diacritics("Đắk Lắk, Thừa Thiên Huế, đường") == "Dak Lak, Thua Thien Hue, duong"


def test_keeps_other_characters_as_they_are():
    assert strip_diacritics("Số 12/TB – UBND") == "So 12/TB – UBND"
