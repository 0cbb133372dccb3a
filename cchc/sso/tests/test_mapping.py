"""Configuration, claim mapping and the rules that decide who signs in as whom."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

from cchc.accounts.models import Role, RoleAssignment, User
from cchc.dossiers.tests.factories import PERSONAL_ID, grant, make_user
from cchc.sso.claims import ExternalClaims, map_claims
from cchc.sso.conf import (
    ImproperlyConfiguredProvider,
    provider_from_mapping,
    providers,
    providers_from_env,
)
from cchc.sso.models import ExternalIdentity
from cchc.sso.services import (
    SignInRefused,
    external_identity_link,
    external_identity_sign_in,
)

# --- configuration ------------------------------------------------------------------------


def test_providers_from_environment_variables():
    env = {
        "CCHC_SSO_PROVIDERS": "vneid, sso-tinh",
        "CCHC_SSO_VNEID_DISCOVERY_URL": "https://id.example.vn/.well-known/openid-configuration",
        "CCHC_SSO_VNEID_CLIENT_ID": "cchc",
        "CCHC_SSO_VNEID_CLIENT_SECRET": "s3cret",
        "CCHC_SSO_VNEID_CLAIM_PERSONAL_ID": "citizen_id",
        "CCHC_SSO_VNEID_PERSONAL_ID_VERIFIED": "1",
        "CCHC_SSO_VNEID_LABEL": "Đăng nhập bằng VNeID",
        "CCHC_SSO_SSO_TINH_DISCOVERY_URL": "https://sso.tinh.vn/.well-known/openid-configuration",
        "CCHC_SSO_SSO_TINH_CLIENT_ID": "cchc-staff",
        "CCHC_SSO_SSO_TINH_AUDIENCE": "staff",
        "CCHC_SSO_SSO_TINH_TOKEN_AUTH_METHOD": "client_secret_post",
    }
    raw = providers_from_env(env)
    assert list(raw) == ["vneid", "sso-tinh"]
    vneid = provider_from_mapping("vneid", raw["vneid"])
    assert vneid.serves_citizens and not vneid.serves_staff
    assert vneid.claims["personal_id"] == "citizen_id"
    assert vneid.claims["subject"] == "sub"  # defaults kept for what is not set
    assert vneid.personal_id_verified is True
    staff = provider_from_mapping("sso-tinh", raw["sso-tinh"])
    assert staff.serves_staff and not staff.serves_citizens
    assert staff.token_auth_method == "client_secret_post"
    assert staff.label == "Đăng nhập một lần"


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({"CCHC_SSO_PROVIDERS": "vneid"}, "DISCOVERY_URL is required"),
        (
            {
                "CCHC_SSO_PROVIDERS": "vneid",
                "CCHC_SSO_VNEID_DISCOVERY_URL": "https://x/.well-known/openid-configuration",
                "CCHC_SSO_VNEID_CLIENT_ID": "c",
                "CCHC_SSO_VNEID_AUDIENCE": "everyone",
            },
            "AUDIENCE",
        ),
        (
            {
                "CCHC_SSO_PROVIDERS": "vneid",
                "CCHC_SSO_VNEID_DISCOVERY_URL": "https://x/.well-known/openid-configuration",
                "CCHC_SSO_VNEID_CLIENT_ID": "c",
                "CCHC_SSO_VNEID_SCOPES": "profile email",
            },
            "openid",
        ),
        ({"CCHC_SSO_PROVIDERS": "VNeID!"}, "lowercase"),
    ],
)
def test_a_bad_provider_configuration_fails_at_start_up(env, reason):
    with pytest.raises(ImproperlyConfiguredProvider, match=reason):
        providers_from_env(env)


def test_no_provider_configured_means_no_button(client, db, settings):
    settings.CCHC_SSO = {"PROVIDERS": {}, "LOCAL_IDP": {"ENABLED": False}}
    page = client.get("/accounts/login/").content.decode()
    assert "/sso/" not in page
    assert client.get("/sso/vneid/").status_code == 404


def test_login_page_shows_one_button_per_configured_provider(client, db, vneid, sso_tinh):
    page = client.get("/accounts/login/?next=/dvc/").content.decode()
    assert "Đăng nhập bằng VNeID" in page
    assert "Đăng nhập một lần (SSO tỉnh)" in page
    assert 'href="/sso/vneid/?next=/dvc/"' in page
    assert [p.key for p in providers()] == ["vneid", "sso-tinh"]


# --- claim mapping --------------------------------------------------------------------------


def test_claims_are_mapped_with_the_configured_names(vneid):
    claims = map_claims(
        {
            "sub": "abc-123",
            "name": "  Nguyễn   Văn An ",
            "personal_id": "052 085 001 234",
            "email": "An@Example.VN",
            "phone_number": "+84 912 345 678",
        },
        vneid,
    )
    assert claims == ExternalClaims(
        subject="abc-123",
        full_name="Nguyễn Văn An",
        personal_id="052085001234",
        email="an@example.vn",
        phone="0912345678",
    )


def test_subject_claim_can_be_the_personal_id(settings):
    provider = provider_from_mapping(
        "vneid",
        {
            "DISCOVERY_URL": "https://x/.well-known/openid-configuration",
            "CLIENT_ID": "c",
            "CLAIMS": {"subject": "cccd", "personal_id": "cccd", "full_name": "ho_ten"},
        },
    )
    claims = map_claims({"sub": "opaque", "cccd": "052085001234", "ho_ten": "An"}, provider)
    assert claims.subject == "052085001234" == claims.personal_id
    assert claims.full_name == "An"


def test_missing_subject_is_refused(vneid):
    with pytest.raises(ValidationError) as exc:
        map_claims({"name": "An"}, vneid)
    assert exc.value.code == "subject_missing"


def test_an_impossible_personal_id_is_refused(vneid):
    # 999 is no province code (Thông tư 59/2021/TT-BCA, Phụ lục I).
    with pytest.raises(ValidationError) as exc:
        map_claims({"sub": "x", "personal_id": "999085001234"}, vneid)
    assert "mã tỉnh" in exc.value.messages[0]


def test_malformed_contacts_are_dropped_not_fatal(vneid):
    claims = map_claims({"sub": "x", "email": "not-an-email", "phone_number": "12"}, vneid)
    assert (claims.email, claims.phone) == ("", "")


# --- who signs in as whom -----------------------------------------------------------------


def test_first_citizen_sign_in_creates_a_citizen_account_linked_for_next_time(db, vneid):
    claims = ExternalClaims(
        subject="vneid-1", full_name="Trần Thị Bích", personal_id="052192004321"
    )
    user = external_identity_sign_in(provider=vneid, claims=claims)
    assert user.full_name == "Trần Thị Bích"
    assert user.personal_id == "052192004321"
    assert not user.has_usable_password()
    assert "052192004321" not in user.username  # usernames carry no personal ID
    assert list(user.role_assignments.values_list("role", "unit")) == [(Role.CITIZEN, None)]
    link = ExternalIdentity.objects.get(provider="vneid", subject="vneid-1")
    assert link.user == user and link.linked_by is None
    again = external_identity_sign_in(provider=vneid, claims=claims)
    assert again == user
    assert User.objects.count() == 1


def test_sign_in_maps_the_providers_claims_itself_and_refuses_an_unusable_subject(db, vneid):
    user = external_identity_sign_in(
        provider=vneid, claims={"sub": "vneid-2", "name": "  Lê  Văn Cường ", "email": "x"}
    )
    assert (user.full_name, user.email) == ("Lê Văn Cường", "")
    assert ExternalIdentity.objects.get(provider="vneid", subject="vneid-2").user == user
    with pytest.raises(ValidationError) as exc:
        external_identity_sign_in(provider=vneid, claims={"name": "Không có mã"})
    assert exc.value.code == "subject_missing"
    assert User.objects.count() == 1 and ExternalIdentity.objects.count() == 1


def test_verified_personal_id_matches_the_existing_citizen_only_account(db, vneid):
    citizen = make_user("congdan", personal_id=PERSONAL_ID)
    grant(citizen, Role.CITIZEN, None)
    user = external_identity_sign_in(
        provider=vneid, claims=ExternalClaims(subject="s-1", personal_id=PERSONAL_ID)
    )
    assert user == citizen
    assert ExternalIdentity.objects.get(subject="s-1").user == citizen


def test_unverified_personal_id_never_matches_an_existing_account(db, settings, vneid):
    settings.CCHC_SSO["PROVIDERS"]["vneid"]["PERSONAL_ID_VERIFIED"] = False
    provider = provider_from_mapping("vneid", settings.CCHC_SSO["PROVIDERS"]["vneid"])
    citizen = make_user("congdan", personal_id=PERSONAL_ID)
    grant(citizen, Role.CITIZEN, None)
    user = external_identity_sign_in(
        provider=provider, claims=ExternalClaims(subject="s-1", personal_id=PERSONAL_ID)
    )
    assert user != citizen


def test_personal_id_never_matches_a_staff_account(db, vneid, staff):
    staff.officer.personal_id = PERSONAL_ID
    staff.officer.save()
    # Even a staff member who is also a citizen: the staff account is linked only in advance.
    grant(staff.officer, Role.CITIZEN, None)
    user = external_identity_sign_in(
        provider=vneid, claims=ExternalClaims(subject="s-1", personal_id=PERSONAL_ID)
    )
    assert user != staff.officer
    assert not RoleAssignment.objects.filter(user=user).exclude(role=Role.CITIZEN).exists()


def test_unlinked_staff_identity_is_refused_and_nothing_is_created(db, sso_tinh, staff):
    users = User.objects.count()
    with pytest.raises(SignInRefused) as exc:
        external_identity_sign_in(
            provider=sso_tinh,
            # Same name and e-mail as an existing officer: still never matched.
            claims=ExternalClaims(
                subject="lan.nt@tayson.gialai.gov.vn",
                full_name=staff.officer.full_name,
                email=staff.officer.email,
            ),
        )
    assert exc.value.code == "staff_not_linked"
    assert "chưa được liên kết với tài khoản cán bộ" in str(exc.value)
    assert User.objects.count() == users
    assert not ExternalIdentity.objects.exists()


def test_staff_linked_in_advance_signs_in(db, sso_tinh, staff):
    link = external_identity_link(
        provider="sso-tinh", subject="lan.nt", user=staff.officer, actor=staff.admin
    )
    assert link.linked_by == staff.admin
    user = external_identity_sign_in(provider=sso_tinh, claims=ExternalClaims(subject="lan.nt"))
    assert user == staff.officer
    link.refresh_from_db()
    assert link.last_used_at is not None


def test_linked_staff_without_a_role_in_force_is_refused(db, sso_tinh, staff):
    external_identity_link(provider="sso-tinh", subject="lan.nt", user=staff.officer)
    RoleAssignment.objects.filter(user=staff.officer).update(
        valid_to=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(SignInRefused) as exc:
        external_identity_sign_in(provider=sso_tinh, claims=ExternalClaims(subject="lan.nt"))
    assert exc.value.code == "no_staff_role"


def test_locked_account_is_refused(db, sso_tinh, staff):
    external_identity_link(provider="sso-tinh", subject="lan.nt", user=staff.officer)
    staff.officer.is_active = False
    staff.officer.save()
    with pytest.raises(SignInRefused) as exc:
        external_identity_sign_in(provider=sso_tinh, claims=ExternalClaims(subject="lan.nt"))
    assert exc.value.code == "user_inactive"


def test_only_a_user_manager_of_the_unit_links_staff(db, sso_tinh, staff):
    citizen = make_user("congdan")
    grant(citizen, Role.CITIZEN, None)
    with pytest.raises(PermissionDenied):
        external_identity_link(
            provider="sso-tinh", subject="lan.nt", user=staff.officer, actor=citizen
        )
    with pytest.raises(PermissionDenied):
        external_identity_link(
            provider="sso-tinh", subject="qt", user=staff.admin, actor=staff.admin
        )
    assert not ExternalIdentity.objects.exists()


def test_a_subject_or_an_account_is_linked_once_per_provider(db, sso_tinh, staff):
    external_identity_link(provider="sso-tinh", subject="lan.nt", user=staff.officer)
    with pytest.raises(ValidationError, match="đã được liên kết"):
        external_identity_link(provider="sso-tinh", subject="lan.nt", user=staff.admin)
    with pytest.raises(ValidationError, match="đã có một danh tính"):
        external_identity_link(provider="sso-tinh", subject="other", user=staff.officer)
    with pytest.raises(ValidationError, match="chưa được cấu hình"):
        external_identity_link(provider="google", subject="x", user=staff.admin)


def test_demo_links_need_the_local_idp_and_link_demo_staff(db, sso_tinh):
    officer = make_user("motcua.tayson")
    call_command("sso_link", "--demo")
    assert ExternalIdentity.objects.get(user=officer).subject == "lan.nt@tayson.gialai.gov.vn"
    call_command("sso_link", "--demo")  # idempotent
    assert ExternalIdentity.objects.count() == 1


def test_english_sign_in_page_and_refusal(client, db, vneid, sso_tinh, staff):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">Or<" in page
    with translation.override("en"), pytest.raises(SignInRefused) as exc:
        external_identity_sign_in(provider=sso_tinh, claims=ExternalClaims(subject="x@tinh"))
    assert "is not linked to any staff account" in str(exc.value)


def test_a_provider_for_both_serves_linked_staff_and_new_citizens(db, staff):
    both = provider_from_mapping(
        "sso-chung",
        {
            "AUDIENCE": "both",
            "DISCOVERY_URL": "https://sso.example.vn/.well-known/openid-configuration",
            "CLIENT_ID": "cchc",
        },
    )
    ExternalIdentity.objects.create(provider="sso-chung", subject="lan.nt", user=staff.officer)
    assert external_identity_sign_in(provider=both, claims=ExternalClaims(subject="lan.nt")) == (
        staff.officer
    )
    newcomer = external_identity_sign_in(
        provider=both, claims=ExternalClaims(subject="someone", full_name="Người Mới")
    )
    assert list(newcomer.role_assignments.values_list("role", flat=True)) == [Role.CITIZEN]


def test_admin_lists_links_read_only(client, db, sso_tinh, staff):
    external_identity_link(provider="sso-tinh", subject="lan.nt", user=staff.officer)
    root = User.objects.create_superuser("root", "root@example.vn", "mat-khau-an-toan-2026")
    # Through the sign-in form, not force_login: the throttle's log needs the client's address.
    client.post("/accounts/login/", {"username": "root", "password": "mat-khau-an-toan-2026"})
    assert client.session.get("_auth_user_id") == str(root.pk)
    page = client.get("/admin/sso/externalidentity/")
    assert page.status_code == 200 and "lan.nt" in page.content.decode()
    assert client.get("/admin/sso/externalidentity/add/").status_code == 403
