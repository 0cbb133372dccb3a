"""Lookup secrets: keyed hashes that verify, refuse, survive key rotation and read old rows."""

from django.contrib.auth.hashers import make_password

from cchc.core.lookup_secrets import PREFIX, secret_hash, secret_matches


def test_a_secret_matches_its_hash_and_nothing_else():
    stored = secret_hash("AB12CD34")
    assert stored.startswith(PREFIX + "$")
    assert "AB12CD34" not in stored
    assert secret_matches("AB12CD34", stored)
    assert not secret_matches("AB12CD35", stored)
    assert not secret_matches("", stored) and not secret_matches(None, stored)


def test_the_same_secret_hashes_differently_each_time():
    assert secret_hash("AB12CD34") != secret_hash("AB12CD34")


def test_no_secret_issued_never_matches():
    stored = secret_hash(None)
    assert not secret_matches("", stored) and not secret_matches("!", stored)
    assert not secret_matches(stored, stored)


def test_hashes_written_by_the_password_hasher_still_verify():
    old = make_password("AB12CD34")
    assert secret_matches("AB12CD34", old) and not secret_matches("ZZ12CD34", old)
    assert not secret_matches("x", make_password(None))


def test_a_rotated_server_key_keeps_old_hashes_valid_through_the_fallbacks(settings):
    stored = secret_hash("AB12CD34")
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    assert not secret_matches("AB12CD34", stored)
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert secret_matches("AB12CD34", stored)


def test_a_malformed_stored_value_is_refused():
    assert not secret_matches("AB12CD34", PREFIX + "$only-one-part")
