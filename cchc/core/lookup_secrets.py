"""Lookup secrets (the code printed on a receipt or a petition slip) stored as keyed hashes.

A lookup secret is random and short (about 40 bits), and it is checked on every public
status lookup and intake. Django's password hasher (PBKDF2, a million rounds) cost about
half a second of CPU per check (bench/locust_service_time.py) — a denial-of-service lever on
a public page — while its protection is meant for low-entropy, reused passwords. Here a
salted HMAC-SHA256 keyed with the server's SECRET_KEY: a stolen database alone cannot be
brute-forced without the key, a check costs microseconds, and lookups are rate-limited.

Stored form: ``hmac-sha256$<salt>$<hex digest>``. Hashes written by the password hasher
before this change (``pbkdf2_sha256$…``, and unusable ``!…`` values) still verify through it.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.utils.crypto import constant_time_compare, salted_hmac

PREFIX = "hmac-sha256"
_KEY_SALT = "cchc.lookup_secret"


def _digest(secret: str, salt: str, key: str) -> str:
    return salted_hmac(f"{_KEY_SALT}:{salt}", secret, secret=key, algorithm="sha256").hexdigest()


def secret_hash(secret: str | None) -> str:
    """The stored form of `secret`; None gives a value that never matches (no secret issued)."""
    if secret is None:
        return "!" + secrets.token_hex(20)
    salt = secrets.token_hex(8)
    return f"{PREFIX}${salt}${_digest(secret, salt, settings.SECRET_KEY)}"


def secret_matches(secret: str | None, stored: str) -> bool:
    """Whether `secret` is the one `stored` was made from (constant time for our own form)."""
    if not secret or not stored:
        # Same cost either way, so a missing dossier and a wrong secret look alike.
        _digest(secret or "", "0" * 16, settings.SECRET_KEY)
        return False
    if stored.startswith(PREFIX + "$"):
        try:
            _, salt, expected = stored.split("$", 2)
        except ValueError:
            return False
        keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
        return any(constant_time_compare(_digest(secret, salt, k), expected) for k in keys)
    return check_password(secret, stored)  # written by the password hasher (older rows)
