"""Test settings with the API installed, until the lead adds "cchc.api" to
INSTALLED_APPS and mounts it in config/urls.py (see /work/notes/requests.md):
`.venv/bin/pytest --ds=cchc.api.tests.settings cchc/api`."""

from config.settings.test import *  # noqa: F403

if "cchc.api" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS = [*INSTALLED_APPS, "cchc.api"]  # noqa: F405
