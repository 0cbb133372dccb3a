import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation


def render(text: str, **ctx) -> str:
    return Template("{% load l10n %}" + text).render(Context(ctx))


def test_vietnamese_dates_and_numbers_use_administrative_conventions():
    with translation.override("vi"):
        assert render("{{ d|date:'SHORT_DATE_FORMAT' }}", d=dt.date(2024, 2, 5)) == "05/02/2024"
        assert render("{{ n }}", n=Decimal("1234567.5")) == "1.234.567,5"
        assert render("{{ n }}", n=1234567) == "1.234.567"


def test_english_is_available_with_its_own_number_format():
    with translation.override("en"):
        assert render("{{ n }}", n=Decimal("1234567.5")) == "1,234,567.5"


def test_time_zone_is_vietnam(settings):
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.LANGUAGE_CODE == "vi"


def _import_prod(extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env.update(extra_env)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.prod"
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_prod_refuses_to_start_without_its_secrets():
    result = _import_prod({})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr and "DATABASE_URL" in result.stderr
    assert "CCHC_PUBLIC_BASE_URL" in result.stderr


def test_prod_refuses_a_weak_secret_key():
    result = _import_prod(
        {
            "DJANGO_SECRET_KEY": "short",
            "DJANGO_ALLOWED_HOSTS": "cchc.example.vn",
            "DATABASE_URL": "sqlite:////tmp/x.sqlite3",
            "CCHC_PUBLIC_BASE_URL": "https://dichvucong.example.gov.vn",
        }
    )
    assert result.returncode != 0
    assert "50+" in result.stderr


def test_prod_starts_with_its_secrets():
    result = _import_prod(
        {
            "DJANGO_SECRET_KEY": "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz",
            "DJANGO_ALLOWED_HOSTS": "cchc.example.vn",
            "DATABASE_URL": "sqlite:////tmp/x.sqlite3",
            "CCHC_PUBLIC_BASE_URL": "https://dichvucong.example.gov.vn",
        }
    )
    assert result.returncode == 0, result.stderr
