import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from cchc.accounts.identity import (
    PROVINCE_CODES,
    TAX_WEIGHTS,
    parse_personal_id,
    tax_check_digit,
    validate_personal_id,
    validate_phone_vn,
    validate_tax_code,
)

# A shared, loaded machine: no per-example deadline, no "too slow" health check.
SLOW_MACHINE = hypothesis_settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

TODAY = dt.date(2026, 11, 27)


def _code(excinfo) -> str:
    return excinfo.value.code


# --- personal ID ---------------------------------------------------------------------


def test_personal_id_parts_are_decoded():
    pid = parse_personal_id("079 2 05 123456", today=TODAY)
    assert pid.number == "079205123456"
    assert pid.province_name == "Hồ Chí Minh"
    assert pid.gender == "male"
    assert pid.birth_year == 2005
    assert parse_personal_id("001190000001", today=TODAY).gender == "female"
    assert parse_personal_id("001190000001", today=TODAY).birth_year == 1990


def test_province_table_has_the_63_codes_of_thong_tu_59():
    assert len(PROVINCE_CODES) == 63
    assert PROVINCE_CODES["001"] == "Hà Nội"
    assert PROVINCE_CODES["096"] == "Cà Mau"
    # Codes skipped by the circular are not provinces.
    assert "003" not in PROVINCE_CODES and "097" not in PROVINCE_CODES


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "personal_id_required"),
        ("07920512345", "personal_id_format"),  # 11 digits
        ("0792051234567", "personal_id_format"),  # 13 digits
        ("07920512345a", "personal_id_format"),
        ("003205123456", "personal_id_province"),
        ("099205123456", "personal_id_province"),
        ("079227123456", "personal_id_birth_year"),  # born 2027, after "today"
        ("079400123456", "personal_id_birth_year"),  # 22nd century
    ],
)
def test_personal_id_rejections(value, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_personal_id(value, today=TODAY)
    assert _code(excinfo) == code
    assert excinfo.value.messages[0]  # a Vietnamese sentence, never empty


@SLOW_MACHINE
@given(
    province=st.sampled_from(sorted(PROVINCE_CODES)),
    gender_code=st.sampled_from("0123"),
    yy=st.integers(0, 99),
    tail=st.from_regex(r"\A\d{6}\Z"),
)
def test_personal_id_every_well_formed_past_number_is_accepted(province, gender_code, yy, tail):
    year = (1900 if gender_code in "01" else 2000) + yy
    number = f"{province}{gender_code}{yy:02d}{tail}"
    if year <= TODAY.year:
        assert validate_personal_id(number, today=TODAY) == number
        assert parse_personal_id(number, today=TODAY).birth_year == year
    else:
        with pytest.raises(ValidationError):
            validate_personal_id(number, today=TODAY)


@SLOW_MACHINE
@given(st.text(max_size=20))
def test_personal_id_accepts_only_twelve_digits(text):
    try:
        result = validate_personal_id(text, today=TODAY)
    except ValidationError:
        return
    assert len(result) == 12 and result.isdigit() and result[:3] in PROVINCE_CODES


# --- tax code ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0100233488", "0100233488"),  # published example with a valid check digit
        ("0314409058-002", "0314409058-002"),
        ("0314409058002", "0314409058-002"),
        (" 01.00.233.488 ", "0100233488"),
    ],
)
def test_tax_code_valid(value, expected):
    assert validate_tax_code(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "tax_code_required"),
        ("12345", "tax_code_format"),
        ("010023348", "tax_code_format"),
        ("0100233488-12", "tax_code_format"),
        ("0100233480", "tax_code_checksum"),
        ("0100233488-000", "tax_code_branch"),
        ("0100000000", "tax_code_format"),
    ],
)
def test_tax_code_rejections(value, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_tax_code(value)
    assert _code(excinfo) == code


def test_tax_check_digit_uses_the_official_weights():
    assert TAX_WEIGHTS == (31, 29, 23, 19, 17, 13, 7, 5, 3)
    # 0100233488: 0*31+1*29+0*23+0*19+2*17+3*13+3*7+4*5+8*3 = 167; 167 % 11 = 2; 10 - 2 = 8
    assert tax_check_digit("010023348") == 8


@SLOW_MACHINE
@given(st.from_regex(r"\A\d{9}\Z"))
def test_exactly_one_check_digit_is_valid_unless_none_is(first_nine):
    valid = []
    for d in range(10):
        try:
            validate_tax_code(first_nine + str(d))
            valid.append(d)
        except ValidationError:
            pass
    if first_nine[2:9] == "0000000" or tax_check_digit(first_nine) is None:
        assert valid == []
    else:
        assert valid == [tax_check_digit(first_nine)]


@SLOW_MACHINE
@given(st.from_regex(r"\A\d{9}\Z"), st.integers(1, 999))
def test_branch_code_keeps_parent_and_is_normalised(first_nine, branch):
    check = tax_check_digit(first_nine)
    if check is None or first_nine[2:9] == "0000000":
        return
    parent = first_nine + str(check)
    assert validate_tax_code(f"{parent}{branch:03d}") == f"{parent}-{branch:03d}"


# --- phone ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0912345678", "0912345678"),
        ("091 234 5678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("(0236) 3822 123", "02363822123"),
        ("0386.123.456", "0386123456"),
    ],
)
def test_phone_valid(value, expected):
    assert validate_phone_vn(value) == expected


@pytest.mark.parametrize(
    "value",
    ["", "012345678", "0123456789", "09123456789", "0612345678", "abc", "+1 202 555 0100"],
)
def test_phone_rejections(value):
    with pytest.raises(ValidationError):
        validate_phone_vn(value)


@SLOW_MACHINE
@given(st.sampled_from("35789"), st.from_regex(r"\A\d{9}\Z"))
def test_any_mobile_in_international_form_normalises_to_national(prefix, rest):
    national = "0" + prefix + rest[:8]
    assert validate_phone_vn("+84" + national[1:]) == national
