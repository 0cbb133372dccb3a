import datetime as dt

import pytest

from cchc.documents.selectors import issuer_for
from cchc.documents.templatetags.documents_tags import days_text, hm_dmy, nd30_date
from cchc.dossiers.tests.factories import make_unit
from cchc.units.models import UnitKind


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (dt.date(2026, 3, 5), "ngày 05 tháng 3 năm 2026"),
        (dt.date(2026, 2, 14), "ngày 14 tháng 02 năm 2026"),
        (dt.date(2026, 1, 1), "ngày 01 tháng 01 năm 2026"),
        (dt.date(2026, 12, 31), "ngày 31 tháng 12 năm 2026"),
    ],
)
def test_dates_follow_decree_30(day, text):
    # NĐ 30/2020/NĐ-CP Phụ lục I: a leading zero for days below 10 and months 1 and 2.
    assert nd30_date(day) == text


def test_moments_are_local_time():
    utc = dt.datetime(2026, 11, 16, 1, 5, tzinfo=dt.UTC)
    assert hm_dmy(utc) == "08 giờ 05 phút, ngày 16/11/2026"
    assert nd30_date(dt.datetime(2026, 2, 28, 18, 0, tzinfo=dt.UTC)) == "ngày 01 tháng 3 năm 2026"


def test_days_text():
    from decimal import Decimal

    assert days_text(Decimal("5.00")) == "5"
    assert days_text(Decimal("1.50")) == "1,5"


@pytest.mark.django_db
def test_issuer_lines_for_units_under_a_commune_and_a_province(django_assert_num_queries):
    province = make_unit("Tỉnh Gia Lai", UnitKind.PROVINCE)
    commune = make_unit("Xã Tây Sơn", UnitKind.COMMUNE, province)
    one_stop = make_unit("Bộ phận Một cửa xã Tây Sơn", UnitKind.ONE_STOP, commune)
    agency = make_unit("Sở Tư pháp", UnitKind.AGENCY, province)
    with django_assert_num_queries(1):
        issuer = issuer_for(one_stop)
    assert issuer.parent_name == "Ủy ban nhân dân xã Tây Sơn"
    assert issuer.name == "Bộ phận Một cửa xã Tây Sơn"
    assert issuer.place == "Tây Sơn"
    assert issuer_for(agency).parent_name == "Ủy ban nhân dân tỉnh Gia Lai"
    assert issuer_for(agency).place == "Gia Lai"
