"""Suite-wide fixtures. App-specific fixtures live in each app's tests/conftest.py."""

import os

import pytest
from django.conf import settings

# Real-browser fixtures (`browser`, `page`) for tests marked `browser`.
pytest_plugins = ["cchc.core.testing.browser"]


def pytest_configure(config):
    # `make test` sets this for the PostgreSQL pass: refuse to silently run on SQLite.
    if os.environ.get("CCHC_REQUIRE_POSTGRES") and (
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql"
    ):
        raise pytest.UsageError("CCHC_REQUIRE_POSTGRES is set but DATABASE_URL is not PostgreSQL")


@pytest.fixture(autouse=True)
def _vietnamese_by_default(settings):
    settings.LANGUAGE_CODE = "vi"
