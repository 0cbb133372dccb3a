"""Test settings. DATABASE_URL (set by `make test` from CCHC_TEST_DATABASE_URL) picks PostgreSQL."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each test process (pytest-xdist worker) gets its own test CA directory: no race on var/pki.
CCHC_SIGNING = {**CCHC_SIGNING, "DEV_CA_DIR": Path(tempfile.mkdtemp(prefix="cchc-pki-"))}  # noqa: F405
# The local identity provider is on (its own key directory per process); tests that sign in
# through it configure the providers with the live server's address (cchc/sso/tests).
CCHC_SSO = {
    **CCHC_SSO,  # noqa: F405
    "LOCAL_IDP": {"ENABLED": True, "KEY_DIR": Path(tempfile.mkdtemp(prefix="cchc-sso-"))},
}
# Tests move a fake clock (timezone.now) by days; Django's own session expiry would sign
# users out. The idle/absolute limits are enforced by cchc.accounts.middleware on the real
# clock and tested there.
SESSION_COOKIE_AGE = 60 * 60 * 24 * 365
# The last-seen time is rewritten at most every 10 minutes in tests (60 s in production), so
# a slow test never sees an extra session write inside an exact query count.
CCHC_SESSION_SEEN_WRITE_SECONDS = 600
