from .base import *  # noqa: F403

DEBUG = env.bool("DJANGO_DEBUG", default=True)  # noqa: F405
# Notifications print to the console instead of failing against a missing SMTP server.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
