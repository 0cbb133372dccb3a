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
