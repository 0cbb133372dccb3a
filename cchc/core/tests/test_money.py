from decimal import Decimal

from django.utils import translation

from cchc.core.money import format_dong, group_dong


def test_vietnamese_groups_thousands_with_dots():
    assert group_dong(1234567, language="vi") == "1.234.567"
    assert format_dong(Decimal("50000")) == "50.000 đồng"
    assert group_dong("0", language="vi") == "0"


def test_english_pages_group_with_commas():
    with translation.override("en"):
        assert group_dong(1234567) == "1,234,567"
    # Messages and documents stay Vietnamese whatever the page language.
    with translation.override("en"):
        assert format_dong(1234567) == "1.234.567 đồng"
