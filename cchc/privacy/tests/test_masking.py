"""The masking rules of cchc.core.privacy: what each kind of identifier keeps."""

import datetime as dt

import pytest

from cchc.core.privacy import (
    mask,
    mask_address,
    mask_contact,
    mask_date_of_birth,
    mask_email,
    mask_id,
    mask_phone,
)


def test_personal_id_keeps_only_the_last_four_digits():
    # The first six digits encode birth province, sex/century and birth year.
    assert mask_id("079090001234") == "********1234"
    assert mask_id("123") == "***"
    assert mask_id("") == "" and mask_id(None) == ""


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("0912345678", "09******78"),
        ("091 234 5678", "09******78"),
        ("02563822123", "02*******23"),
        ("12345", "*****"),
        ("", ""),
    ],
)
def test_phone_keeps_first_and_last_two_digits(raw, masked):
    assert mask_phone(raw) == masked


def test_email_keeps_first_letter_and_domain():
    assert mask_email("nguyenvana@gmail.com") == "n***@gmail.com"
    assert mask_email("not-an-email") == "***"
    assert mask_email("") == ""


def test_address_keeps_commune_and_province_only():
    assert mask_address("12 Lê Lợi, Phường Quy Nhơn, Tỉnh Gia Lai") == (
        "***, Phường Quy Nhơn, Tỉnh Gia Lai"
    )
    # Too short to hide the street while showing two parts: hidden whole.
    assert mask_address("12 Lê Lợi, phường Quy Nhơn") == "***"
    assert mask_address("") == ""


def test_date_of_birth_keeps_the_year():
    assert mask_date_of_birth(dt.date(1990, 5, 17)) == "**/**/1990"
    assert mask_date_of_birth("17/05/1990") == "**/**/1990"
    assert mask_date_of_birth(None) == ""


def test_contact_picks_email_or_phone_and_unknown_kind_hides_all():
    assert mask_contact("dan@example.vn") == "d***@example.vn"
    assert mask_contact("0912345678") == "09******78"
    assert mask("secret", "nonsense") == "***"
    assert mask("0912345678", "phone") == "09******78"


@pytest.mark.parametrize(
    "value", ["079090001234", "0912345678", "nguyenvana@gmail.com", "12 Lê Lợi, P. A, T. B"]
)
def test_masked_output_never_contains_the_whole_value(value):
    for kind in ("id", "phone", "email", "address", "contact"):
        assert value not in mask(value, kind)
