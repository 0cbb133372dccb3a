"""SSO fixtures: providers configured against the local identity provider of the live server."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.cache import cache

from cchc.accounts.models import Role
from cchc.dossiers.tests.factories import grant, make_unit, make_user
from cchc.sso.conf import provider_from_mapping, with_local_idp
from cchc.units.models import UnitKind

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HIDDEN_INPUT = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def configure(settings, base_url: str) -> None:
    settings.CCHC_SSO = with_local_idp(
        {"LOCAL_IDP": settings.CCHC_SSO["LOCAL_IDP"]},
        base_urls=[base_url],
        key_dir=settings.CCHC_SSO["LOCAL_IDP"]["KEY_DIR"],
    )


@pytest.fixture
def sso_live(live_server, settings):
    """The "vneid" (citizens) and "sso-tinh" (staff) providers, both at the local IdP."""
    configure(settings, live_server.url)
    return live_server


@pytest.fixture
def vneid(settings):
    configure(settings, "http://testserver")
    return provider_from_mapping("vneid", settings.CCHC_SSO["PROVIDERS"]["vneid"])


@pytest.fixture
def sso_tinh(settings):
    configure(settings, "http://testserver")
    return provider_from_mapping("sso-tinh", settings.CCHC_SSO["PROVIDERS"]["sso-tinh"])


@dataclass
class Staff:
    unit: object
    officer: object
    admin: object


@pytest.fixture
def staff(db):
    province = make_unit("Tỉnh Gia Lai", UnitKind.PROVINCE)
    one_stop = make_unit("Bộ phận Một cửa xã Tây Sơn", UnitKind.ONE_STOP, province)
    officer = make_user("motcua", full_name="Nguyễn Thị Lan")
    grant(officer, Role.ONE_STOP_OFFICER, one_stop)
    admin = make_user("quantri", full_name="Quản Trị")
    grant(admin, Role.SYSTEM_ADMIN, province, include_subtree=True)
    return Staff(unit=one_stop, officer=officer, admin=admin)


class Flow:
    """A browser-like client (requests.Session) going through the sign-in over HTTP."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url
        self.http = requests.Session()

    def start(self, provider: str, next_path: str = "") -> str:
        """Follow the sign-in button to the IdP; return the authorize URL."""
        query = f"?next={next_path}" if next_path else ""
        r = self.http.get(f"{self.base}/sso/{provider}/{query}", allow_redirects=False)
        assert r.status_code == 302, r.text
        return r.headers["Location"]

    def approve(self, authorize_url: str, **form: str) -> str:
        """Choose an identity on the IdP page; return the callback URL it redirects to."""
        page = self.http.get(authorize_url)
        assert page.status_code == 200, page.text
        data = dict(HIDDEN_INPUT.findall(page.text))
        token = CSRF_INPUT.search(page.text)
        assert token is not None
        data["csrfmiddlewaretoken"] = token.group(1)
        data.update({"action": "approve", **form})
        r = self.http.post(authorize_url.split("?")[0], data=data, allow_redirects=False)
        assert r.status_code == 302, r.text
        return r.headers["Location"]

    def callback(self, callback_url: str) -> requests.Response:
        return self.http.get(callback_url, allow_redirects=False)

    def sign_in(self, provider: str, next_path: str = "", **form: str) -> requests.Response:
        return self.callback(self.approve(self.start(provider, next_path), **form))

    def user_id(self) -> int | None:
        """The account this client's session is signed in as (None when anonymous)."""
        from importlib import import_module

        from django.conf import settings

        key = self.http.cookies.get(settings.SESSION_COOKIE_NAME)
        if not key:
            return None
        store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
        value = store.get("_auth_user_id")
        return int(value) if value else None


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@pytest.fixture
def flow(sso_live):
    return Flow(sso_live.url)
