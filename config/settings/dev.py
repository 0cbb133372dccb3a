from .base import *  # noqa: F403

DEBUG = env.bool("DJANGO_DEBUG", default=True)  # noqa: F405
# Notifications print to the console instead of failing against a missing SMTP server.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# The local identity provider (/idp/) and its "vneid" and "sso-tinh" demo providers.
from cchc.sso.conf import with_local_idp  # noqa: E402

CCHC_SSO = with_local_idp(
    CCHC_SSO,  # noqa: F405
    base_urls=[CCHC_PUBLIC_BASE_URL, CCHC_PUBLIC_BASE_URL.replace("127.0.0.1", "localhost")],  # noqa: F405
    key_dir=VAR_DIR / "sso",  # noqa: F405
)
