"""Settings of the server under load in `bench/locust_run.py`: the development settings
with DEBUG off (no query log, real error pages) and the public lookup's per-IP limit
raised, since every simulated citizen comes from 127.0.0.1. The limiter itself still
runs (two cache writes per lookup in the shared database cache), as in production."""

from config.settings.dev import *  # noqa: F403

DEBUG = False
PORTAL_LOOKUP_ATTEMPTS = 10**9
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False}  # no per-request log output
