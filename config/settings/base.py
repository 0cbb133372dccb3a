"""Settings shared by every environment. Environment-specific files import * from here."""

import datetime as dt
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "cchc.core",
    "cchc.units",
    "cchc.accounts",
    "cchc.calendars",
    "cchc.procedures",
    "cchc.dossiers",
    "cchc.indices",
    "cchc.portal",
    "cchc.documents",
    "cchc.integrations",
    "cchc.directives",
    "cchc.assessments",
    "cchc.api",
    "cchc.reforms",
    "cchc.reports",
    "cchc.floor",
    "cchc.demo",
    "cchc.sso",
    "cchc.privacy",
    "cchc.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cchc.accounts.middleware.SessionExpiryMiddleware",
    "cchc.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            # `unlocalize` everywhere: USE_THOUSAND_SEPARATOR would print a primary key of
            # 10320 as "10.320" in links and form values (`{{ x.pk|unlocalize }}`).
            "builtins": ["django.templatetags.l10n"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
# DATABASE_URL selects the engine; the default is the embedded SQLite file under var/.
VAR_DIR.mkdir(exist_ok=True)
DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'cchc.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}


def tune_database(db: dict) -> dict:
    """Engine-specific options: WAL + immediate transactions on SQLite, persistent PG connections."""
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db.setdefault("OPTIONS", {}).update(
            {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON"
                ),
            }
        )
    elif db["ENGINE"] == "django.db.backends.postgresql":
        db.setdefault("CONN_MAX_AGE", 600)
        db.setdefault("CONN_HEALTH_CHECKS", True)
    return db


tune_database(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A cache shared by every process (rate limits of the public lookup must not be per process).
# The table is created by `cchc createcachetable` (part of `make migrate`).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "cchc_cache",
    }
}

# --- Auth ---------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email", "phone")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},  # ASVS 2.1.1 asks 12 for users; 10 is our floor
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Sign-in through OpenID Connect (VNeID for citizens, provincial SSO for staff): providers from
# CCHC_SSO_PROVIDERS and CCHC_SSO_<KEY>_* variables (docs/decisions/0010-oidc.md). The local
# test identity provider under /idp/ stays off unless a settings file turns it on.
from cchc.sso.conf import providers_from_env  # noqa: E402

CCHC_SSO = {
    "PROVIDERS": providers_from_env(env.ENVIRON),
    "LOCAL_IDP": {
        "ENABLED": env.bool("CCHC_SSO_LOCAL_IDP", default=False),
        "KEY_DIR": VAR_DIR / "sso",
    },
}
# The lock-out check (django-axes) runs before the password check; a programmatic
# authenticate() without a request passes through it (cchc.accounts.throttle).
AUTHENTICATION_BACKENDS = [
    "cchc.accounts.throttle.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Log-in throttling (ASVS 2.2.1; TCVN 11930:2017 level 3 "giới hạn số lần đăng nhập sai"):
# after AXES_FAILURE_LIMIT failures for one username from one IP, that pair is locked
# for AXES_COOLOFF_TIME; a success resets the counter.
AXES_FAILURE_LIMIT = env.int("CCHC_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("CCHC_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Behind the reverse proxy the deployment sets REMOTE_ADDR (as cchc.portal.ratelimit).
AXES_CLIENT_IP_CALLABLE = "cchc.accounts.throttle.axes_client_ip"
# Sessions (ASVS 3.3): signed out after CCHC_SESSION_IDLE_SECONDS without a request and,
# whatever the activity, CCHC_SESSION_MAX_SECONDS after signing in.
CCHC_SESSION_IDLE_SECONDS = env.int("CCHC_SESSION_IDLE_SECONDS", default=30 * 60)
CCHC_SESSION_MAX_SECONDS = env.int("CCHC_SESSION_MAX_SECONDS", default=10 * 60 * 60)
SESSION_COOKIE_AGE = CCHC_SESSION_MAX_SECONDS
SESSION_COOKIE_SAMESITE = "Lax"
# TOTP second factor (django-otp): the issuer shown in the authenticator app.
OTP_TOTP_ISSUER = env.str("CCHC_OTP_ISSUER", default="CCHC")

# --- Language, time zone, formats ---------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "cchc" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Django's own "vi" formats use d-m-Y and no grouping; ours give dd/mm/yyyy and 1.234.567,5.
FORMAT_MODULE_PATH = ["config.formats"]
USE_THOUSAND_SEPARATOR = True

# --- Static files -------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns at start-up when it is missing
WHITENOISE_USE_FINDERS = True  # dev and tests serve app static files without collectstatic
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Background tasks (django-tasks backport of django.tasks) ---------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Security headers -----------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Public links, signed results, portal, integrations -----------------------------
# Absolute base of links given to applicants (receipt QR, e-mail/SMS/Zalo, verification).
CCHC_PUBLIC_BASE_URL = env("CCHC_PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
CCHC_SIGNING = {
    "PKCS12_FILE": env("CCHC_SIGNING_PKCS12_FILE", default=""),
    "PKCS12_PASSPHRASE": env("CCHC_SIGNING_PKCS12_PASSPHRASE", default=""),
    "TRUST_ROOTS": env.list("CCHC_SIGNING_TRUST_ROOTS", default=[]),
    # A locally generated test CA under var/pki signs results in dev and tests only.
    "DEV_CA": env.bool("CCHC_SIGNING_DEV_CA", default=True),
    "DEV_CA_DIR": VAR_DIR / "pki",
    "FIELD_NAME": "ChuKySo",
}
PORTAL_UPLOAD_MAX_BYTES = env.int("PORTAL_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
PORTAL_LOOKUP_ATTEMPTS = 10
PORTAL_LOOKUP_WINDOW = 600  # seconds; per client IP and per dossier code
# Everything not set here falls back to cchc.integrations.conf.DEFAULTS (sandbox gateway,
# local SMS/Zalo outboxes); see docs/decisions/0006-payments-and-notifications.md.
CCHC_INTEGRATIONS = {"PUBLIC_BASE_URL": CCHC_PUBLIC_BASE_URL}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="CCHC <khong-tra-loi@cchc.local>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "cchc": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # pyHanko logs a traceback for every untrusted or tampered signature it validates;
        # the public verification page reports the outcome itself.
        "pyhanko": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
