"""Production settings: refuse to start without the secrets and hosts an operator must provide."""

from csp.constants import SELF
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY, env

REQUIRED = ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "CCHC_PUBLIC_BASE_URL")
missing = [name for name in REQUIRED if not env.str(name, default="")]
if missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: " + ", ".join(missing)
    )

SECRET_KEY = env("DJANGO_SECRET_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a random value of 50+ characters.")
DEBUG = False
WHITENOISE_USE_FINDERS = False  # production serves the collected, hashed files only
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
SESSION_COOKIE_NAME = "__Host-sessionid"  # __Host-: Secure, no Domain, Path=/ (ASVS 3.4.4)
CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Never sign results with the development test CA in production.
CCHC_SIGNING["DEV_CA"] = env.bool("CCHC_SIGNING_DEV_CA", default=False)  # noqa: F405
# A real payment gateway is configuration; without it the sandbox is off in production.
_gateway = env.str("CCHC_PAYMENT_GATEWAY_URL", default="")
CCHC_INTEGRATIONS = {
    "PUBLIC_BASE_URL": env("CCHC_PUBLIC_BASE_URL"),
    "PAYMENT_PROVIDER": env.str("CCHC_PAYMENT_PROVIDER", default="vnpay"),
    "PAYMENT_PROVIDERS": (
        {
            "vnpay": {
                "CLASS": env.str(
                    "CCHC_PAYMENT_CLASS", default="cchc.integrations.payments.base.VnpayProvider"
                ),
                "MERCHANT_CODE": env("CCHC_PAYMENT_MERCHANT_CODE"),
                "SECRET": env("CCHC_PAYMENT_SECRET"),
                "GATEWAY_URL": _gateway,
            }
        }
        if _gateway
        else {}
    ),
    "RECEIPT_SERIES": env.str("CCHC_RECEIPT_SERIES", default="BLDT"),
}
if _gateway:
    # Chromium applies form-action to the redirect after our "pay online" POST.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] = [
        SELF,
        env("CCHC_PAYMENT_GATEWAY_ORIGIN"),
    ]

# Synchronisation with the national public service portal (Cổng DVCQG, TT 04/2025/TT-VPCP):
# delivered over HTTP when CCHC_PORTAL_URL is set; never to the in-process sandbox here.
_portal = env.str("CCHC_PORTAL_URL", default="")
CCHC_INTEGRATIONS.update(
    {
        "PORTAL_SYNC_ENABLED": bool(_portal),
        "PORTAL_CLIENT": "http",
        "PORTAL_URL": _portal,
        "PORTAL_TOKEN": env.str("CCHC_PORTAL_TOKEN", default=""),
        "PORTAL_AGENCY_CODE": env.str("CCHC_PORTAL_AGENCY_CODE", default=""),
        "PORTAL_SANDBOX_ENABLED": False,
    }
)
