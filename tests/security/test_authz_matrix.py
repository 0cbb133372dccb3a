"""Authorisation matrix: every URL pattern and every API operation is classified here, and
access is checked role by role with a unit inside and a unit outside the user's scope.

The expectations come from the permission module (`ROLE_ACTIONS`: which role grants
which action) and the scope geometry of the fixture (a role held over commune A's
subtree covers A's units, never commune B's), not from the views. Two communes with
distinguishable dossier codes and applicant names: nothing of A may appear in what a
user of B receives (lists, search, exports, counts, error messages), and the reverse.

A new URL pattern or API operation that is not in ROUTES / API_OPERATIONS fails
`test_every_endpoint_is_classified`: classify it when you add it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from cchc.accounts.models import Role
from cchc.accounts.permissions import ROLE_ACTIONS, Action
from cchc.api import services as api_services
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.factories import (
    PERSONAL_ID,
    PERSONAL_ID_2,
    applicant_data,
    components_for,
    drive_to,
    grant,
    make_user,
    make_world,
    receive,
)

pytestmark = pytest.mark.django_db

# --- The classification -------------------------------------------------------------------

PUBLIC = "public"  # anyone, no account: never a redirect to the sign-in page
LOGIN = "login"  # a signed-in account; what it sees is then filtered by role and scope
EXTERNAL = "external"  # protocol endpoints called by other systems (own auth: signatures, OIDC)


@dataclass(frozen=True)
class Scoped:
    """Signed in and holding `action` over the unit of the object in the URL."""

    action: Action


# Django URL names. Scoped(...) where the view checks one action on one unit; LOGIN where
# the view filters by scope itself (lists) or checks several actions.
ROUTES: dict[str, object] = {
    "set_language": PUBLIC,
    "login": PUBLIC,
    "logout": PUBLIC,
    "otp_verify": LOGIN,
    "otp_setup": LOGIN,
    "password_change": LOGIN,
    "home": LOGIN,
    "healthz": PUBLIC,
    "calendars:current_year": LOGIN,
    "calendars:year": LOGIN,
    "units:tree": LOGIN,
    "procedures:catalog": PUBLIC,
    "procedures:export_xlsx": PUBLIC,
    "procedures:detail": PUBLIC,
    "dossiers:queue": LOGIN,
    "dossiers:intake": LOGIN,
    "dossiers:intake_application_form": LOGIN,
    "dossiers:leader": LOGIN,
    "dossiers:reassign": LOGIN,
    "dossiers:handover_list": LOGIN,
    "dossiers:handover_batches": LOGIN,
    "dossiers:blocks": LOGIN,
    "dossiers:block_lift": LOGIN,
    "dossiers:handover_batch": LOGIN,
    "dossiers:detail": Scoped(Action.DOSSIER_VIEW),
    "dossiers:receipt": Scoped(Action.DOSSIER_VIEW),
    "dossiers:result_file": Scoped(Action.DOSSIER_VIEW),
    "dossiers:action": LOGIN,
    "indices:dashboard": LOGIN,
    "indices:lost": LOGIN,
    "indices:whatif": LOGIN,
    "indices:public": PUBLIC,
    "documents:form_pdf": Scoped(Action.DOSSIER_VIEW),
    "documents:tracking_book": Scoped(Action.DOSSIER_VIEW),
    "documents:verify_upload": PUBLIC,
    "documents:verify_token": PUBLIC,
    "integrations:payment": PUBLIC,  # code + lookup secret
    "integrations:payment_return": EXTERNAL,
    "integrations:payment_ipn": EXTERNAL,
    "integrations:sandbox_pay": EXTERNAL,
    "integrations:optin": PUBLIC,
    "integrations:notifications": LOGIN,
    "integrations:notification_retry": LOGIN,
    "integrations:portal_sync": LOGIN,
    "integrations:portal_retry": LOGIN,
    "integrations:portal_retry_all": LOGIN,
    "integrations:portal_sandbox_api": EXTERNAL,
    "portal:home": PUBLIC,
    "portal:catalog": PUBLIC,
    "portal:procedure": PUBLIC,
    "portal:submit": LOGIN,
    "portal:receipt": LOGIN,
    "portal:lookup": PUBLIC,
    "portal:rate": PUBLIC,
    "portal:my_dossiers": LOGIN,
    "portal:my_store": LOGIN,
    "portal:my_store_download": LOGIN,
    "portal:my_dossier": LOGIN,
    "portal:my_supplement": LOGIN,
    "portal:my_rate": LOGIN,
    "portal:my_proxy": LOGIN,
    "portal:my_withdraw": LOGIN,
    "portal:my_stop": LOGIN,
    "portal:my_result": LOGIN,
    "portal:petition": PUBLIC,
    "portal:petition_lookup": PUBLIC,
    "portal:petition_staff": LOGIN,
    "directives:mine": LOGIN,
    "directives:import": LOGIN,
    "directives:review": LOGIN,
    "directives:documents": LOGIN,
    "directives:board": LOGIN,
    "directives:task": LOGIN,
    "directives:overview": LOGIN,
    "directives:records": LOGIN,
    "directives:task_edit": LOGIN,
    "directives:coordination": LOGIN,
    "directives:contribution_file": LOGIN,
    "directives:unit_record": LOGIN,
    "assessments:index": LOGIN,
    "assessments:open": LOGIN,
    "assessments:detail": LOGIN,
    "assessments:self_assess": LOGIN,
    "assessments:appraise": LOGIN,
    "assessments:respond": LOGIN,
    "assessments:step": LOGIN,
    "assessments:framework": LOGIN,
    "assessments:criterion_edit": LOGIN,
    "assessments:criterion_delete": LOGIN,
    "assessments:criterion_add": LOGIN,
    "assessments:area_edit": LOGIN,
    "assessments:framework_copy": LOGIN,
    "assessments:results": LOGIN,
    "assessments:remedy": LOGIN,
    "assessments:survey": LOGIN,
    "assessments:heads": LOGIN,
    "assessments:head": LOGIN,
    "assessments:sipas_public": PUBLIC,
    "reforms:overview": LOGIN,
    "reforms:procedure": LOGIN,
    "reforms:procedure_map": LOGIN,
    "reforms:proposals": LOGIN,
    "reforms:proposal": LOGIN,
    "reforms:proposal_action": LOGIN,
    "reforms:community": LOGIN,
    "reforms:initiative_review": LOGIN,
    "reforms:training_new": LOGIN,
    "reforms:training": LOGIN,
    "reforms:training_material": LOGIN,
    "reforms:outreach": LOGIN,
    "reports:index": LOGIN,
    "reports:schedule_create": LOGIN,
    "reports:job": LOGIN,
    "reports:download": LOGIN,
    "floor:index": LOGIN,
    "floor:kiosk": PUBLIC,
    "floor:book": PUBLIC,
    "floor:check_in": PUBLIC,
    "floor:ticket": PUBLIC,
    "floor:counter": LOGIN,
    "floor:counter_action": LOGIN,
    "floor:announce": LOGIN,
    "floor:board": PUBLIC,
    "floor:tablet": PUBLIC,
    "floor:lookup": PUBLIC,
    "floor:figures": LOGIN,
    "floor:manage_index": LOGIN,
    "floor:manage": LOGIN,
    "floor:manage_hours": LOGIN,
    "floor:manage_counter": LOGIN,
    "floor:manage_counter_active": LOGIN,
    "privacy:reveal": LOGIN,
    "privacy:subject_export": LOGIN,
    "privacy:self_export": LOGIN,
    "privacy:access_log": LOGIN,
    "sso:start": EXTERNAL,
    "sso:callback": EXTERNAL,
    "idp:discovery": EXTERNAL,
    "idp:jwks": EXTERNAL,
    "idp:authorize": EXTERNAL,
    "idp:token": EXTERNAL,
    "idp:userinfo": EXTERNAL,
    # The API's URL patterns: operations are classified in API_OPERATIONS below.
    "api:openapi-json": PUBLIC,
    "api:openapi-view": PUBLIC,
    "api:api-root": PUBLIC,
}
API_ROUTE = re.compile(r"^api:(?!openapi|api-root)")
ADMIN_ROUTE = re.compile(r"^admin:")  # Django admin: staff accounts only, checked separately

# API operations (operationId of the OpenAPI schema).
API_OPERATIONS: dict[str, object] = {
    "cchc_api_routers_procedures_procedure_list": PUBLIC,
    "cchc_api_routers_procedures_procedure_detail": PUBLIC,
    "cchc_api_routers_dossiers_dossier_list": LOGIN,
    "cchc_api_routers_dossiers_dossier_create": Scoped(Action.DOSSIER_RECEIVE),
    "cchc_api_routers_dossiers_dossier_detail": Scoped(Action.DOSSIER_VIEW),
    "cchc_api_routers_dossiers_dossier_handover": Scoped(Action.DOSSIER_PROCESS),
    "cchc_api_routers_dossiers_dossier_assign": Scoped(Action.DOSSIER_ASSIGN),
    "cchc_api_routers_dossiers_dossier_approve": Scoped(Action.DOSSIER_APPROVE),
    "cchc_api_routers_dossiers_dossier_refuse": Scoped(Action.DOSSIER_PROCESS),
    "cchc_api_routers_dossiers_dossier_request_supplement": Scoped(Action.DOSSIER_PROCESS),
    "cchc_api_routers_dossiers_dossier_supplement_provided": Scoped(Action.DOSSIER_RECEIVE),
    "cchc_api_routers_dossiers_dossier_apologise": Scoped(Action.DOSSIER_APOLOGISE),
    "cchc_api_routers_dossiers_dossier_issue_result": Scoped(Action.DOSSIER_RETURN_RESULT),
    "cchc_api_routers_dossiers_dossier_return_result": Scoped(Action.DOSSIER_RETURN_RESULT),
    "cchc_api_routers_dossiers_dossier_rate": Scoped(Action.DOSSIER_VIEW),
    "cchc_api_routers_dossiers_dossier_note": Scoped(Action.DOSSIER_VIEW),
    "cchc_api_routers_public_public_lookup": PUBLIC,
    "cchc_api_routers_public_public_rating": PUBLIC,
    "cchc_api_routers_public_open311_services": PUBLIC,
    "cchc_api_routers_public_open311_request_lookup": PUBLIC,
    "cchc_api_routers_indices_index_detail": Scoped(Action.INDEX_VIEW),
    "cchc_api_routers_directives_task_list": LOGIN,
    # Report jobs: the caller's own jobs; units in the request are checked by the service.
    "cchc_api_routers_reports_report_job_list": LOGIN,
    "cchc_api_routers_reports_report_job_create": LOGIN,
    "cchc_api_routers_reports_report_job_detail": LOGIN,
    "cchc_api_routers_reports_report_job_file": LOGIN,
}
API_QUERY = {"cchc_api_routers_indices_index_detail": "?period=2026"}

STAFF_ROLES = [role for role in ROLE_ACTIONS if role != Role.CITIZEN]


# --- Enumeration --------------------------------------------------------------------------


def url_patterns() -> list[tuple[str, URLPattern]]:
    out: list[tuple[str, URLPattern]] = []

    def walk(resolver, ns: str | None) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                inner = ":".join(x for x in (ns, p.namespace) if x) or None
                walk(p, inner)
            elif p.name:
                out.append((f"{ns}:{p.name}" if ns else p.name, p))

    walk(get_resolver(), None)
    return out


def api_operations() -> dict[str, tuple[str, str]]:
    from cchc.api.api import api

    schema = api.get_openapi_schema()
    ops = {}
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            ops[op["operationId"]] = (method.upper(), path)
    return ops


def test_every_endpoint_is_classified():
    names = {name for name, _ in url_patterns()}
    unclassified = sorted(
        n for n in names if n not in ROUTES and not API_ROUTE.match(n) and not ADMIN_ROUTE.match(n)
    )
    assert not unclassified, f"classify these URL names in ROUTES: {unclassified}"
    stale = sorted(set(ROUTES) - names)
    assert not stale, f"ROUTES lists names that no longer exist: {stale}"
    ops = api_operations()
    unclassified_ops = sorted(set(ops) - set(API_OPERATIONS))
    assert not unclassified_ops, f"classify these API operations: {unclassified_ops}"
    assert not sorted(set(API_OPERATIONS) - set(ops))


# --- The fixture: two communes, every staff role inside and outside -----------------------

NAME_A = "Nguyễn Thị Alphadân"
NAME_B = "Trần Văn Betadân"


@dataclass
class Matrix:
    world: object
    inside: dict[str, object]
    outside: dict[str, object]
    a_codes: list[str]
    b_codes: list[str]
    a_dossier: Dossier
    citizen_a: object
    citizen_b: object


@pytest.fixture
def matrix(db) -> Matrix:
    world = make_world()
    inside, outside = {}, {}
    for role in STAFF_ROLES:
        inside[role] = make_user(f"in-{role}")
        grant(inside[role], role, world.commune, include_subtree=True)
        outside[role] = make_user(f"out-{role}")
        grant(outside[role], role, world.other_commune_one_stop.parent, include_subtree=True)
    a = [receive(world, applicant=applicant_data(name=NAME_A)) for _ in range(3)]
    a[1] = drive_to(world, a[1], "at_leader")
    a[2] = drive_to(world, a[2], "returned")
    b = [
        receive(
            world,
            actor=world.outsider,
            receiving_unit=world.other_commune_one_stop,
            applicant=applicant_data(name=NAME_B, personal_id=PERSONAL_ID_2),
            components=components_for(world),
        )
        for _ in range(2)
    ]
    citizen_b = make_user("citizen-b", personal_id=PERSONAL_ID_2)
    grant(citizen_b, Role.CITIZEN, None)
    assert world.citizen.personal_id == PERSONAL_ID
    return Matrix(
        world=world,
        inside=inside,
        outside=outside,
        a_codes=[d.code for d in a],
        b_codes=[d.code for d in b],
        a_dossier=Dossier.objects.get(pk=a[1].pk),
        citizen_a=world.citizen,
        citizen_b=citizen_b,
    )


def _client(user=None) -> Client:
    c = Client(raise_request_exception=False)
    if user is not None:
        c.force_login(user)
    return c


def _text(response) -> str:
    """The body as text; spreadsheets are read cell by cell (their XML is zipped)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
        )
    return body.decode("utf-8", "replace")


def _login_redirect(response) -> bool:
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Anonymous access to every route -------------------------------------------------------


def _kwargs(pattern: URLPattern, m: Matrix) -> dict[str, object]:
    values = {
        "code": m.a_codes[0],
        "form": "receipt",
        "fmt": "xlsx",
        "provider": "sandbox",
        "action": "note",
        "token": "x" * 20,
        "year": 2026,
        "what": "withdraw",
    }
    out: dict[str, object] = {}
    for name in pattern.pattern.regex.groupindex:
        out[name] = values.get(name, 1)
    return out


def _path(pattern_path: str, kwargs: dict[str, object]) -> str:
    path = pattern_path.replace("^", "").replace("$", "")
    for key, value in kwargs.items():
        path = re.sub(rf"<(?:\w+:)?{key}>|\(\?P<{key}>[^)]*\)", str(value), path)
    return "/" + path.replace("\\.", ".")


def _routes_with_paths(m: Matrix):
    def walk(resolver, prefix: str, ns: str | None):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                yield from walk(
                    p, prefix + str(p.pattern), ":".join(x for x in (ns, p.namespace) if x) or None
                )
            elif p.name:
                yield (
                    (f"{ns}:{p.name}" if ns else p.name),
                    _path(prefix + str(p.pattern), _kwargs(p, m)),
                )

    yield from walk(get_resolver(), "", None)


def test_anonymous_is_sent_to_sign_in_on_every_non_public_route(matrix):
    client = _client()
    wrong = []
    for name, path in _routes_with_paths(matrix):
        if API_ROUTE.match(name) or ADMIN_ROUTE.match(name):
            continue
        klass = ROUTES[name]
        response = client.get(path)
        if response.status_code >= 500:
            wrong.append((name, path, response.status_code))
            continue
        if klass in (PUBLIC, EXTERNAL):
            if _login_redirect(response):
                wrong.append((name, path, "public route asks to sign in"))
        elif not _login_redirect(response):
            if response.status_code == 405:
                response = client.post(path)
            if not _login_redirect(response):
                wrong.append((name, path, response.status_code))
        body = _text(response)
        if NAME_A in body:
            wrong.append((name, path, "applicant's name shown to an anonymous visitor"))
    assert not wrong, wrong


def test_admin_site_is_for_staff_accounts_only(matrix):
    officer = matrix.inside[Role.ONE_STOP_OFFICER]
    for user in (None, officer):
        response = _client(user).get("/admin/accounts/user/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- Role x scope on the routes that name one object ---------------------------------------


def _expected(role: str, action: Action, inside: bool) -> bool:
    return inside and action in ROLE_ACTIONS[role]


SCOPED_GETS = [
    ("dossiers:detail", "/dossiers/{code}/"),
    ("dossiers:receipt", "/dossiers/{code}/receipt/"),
    ("documents:form_pdf", "/documents/dossiers/{code}/forms/control.pdf"),
    ("documents:tracking_book", "/documents/units/{unit}/tracking-book.xlsx"),
]


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_scoped_routes_follow_the_permission_module(matrix, role):
    m = matrix
    mismatches = []
    for name, template in SCOPED_GETS:
        action = ROUTES[name].action
        path = template.format(code=m.a_dossier.code, unit=m.world.one_stop.code)
        for inside, user in ((True, m.inside[role]), (False, m.outside[role])):
            response = _client(user).get(path)
            allowed = response.status_code == 200
            if allowed != _expected(role, action, inside):
                mismatches.append((name, "inside" if inside else "outside", response.status_code))
            if not allowed:
                assert response.status_code in (403, 404), (name, response.status_code)
                body = _text(response)
                assert NAME_A not in body and m.a_dossier.code not in body.replace(path, ""), (
                    f"{name}: a refusal shows the other unit's data"
                )
    assert not mismatches, mismatches


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_api_operations_follow_the_permission_module(matrix, role):
    m = matrix
    ops = api_operations()
    d = m.a_dossier
    tokens = {}
    for side, user in (("inside", m.inside[role]), ("outside", m.outside[role])):
        tokens[side] = api_services.api_token_create(actor=None, user=user, name=f"m-{side}")[1]
    mismatches = []
    for op_id, (method, path) in ops.items():
        klass = API_OPERATIONS.get(op_id, PUBLIC)  # unclassified: see the test above
        url = (
            path.replace("{code}", d.code)
            .replace("{unit_code}", m.world.commune.code)
            .replace("{job_id}", "1")
        ) + API_QUERY.get(op_id, "")
        if klass is PUBLIC:
            continue
        # Anonymous: 401 with the shared error shape.
        r = _client().generic(method, url, "{}", content_type="application/json")
        assert r.status_code == 401, (op_id, r.status_code)
        for side in ("inside", "outside"):
            r = _client().generic(
                method,
                url,
                '{"expected_version": 0}' if method == "POST" else "",
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {tokens[side]}",
            )
            assert r.status_code < 500, (op_id, side, r.status_code, r.content[:300])
            body = r.content.decode()
            if side == "outside":
                assert NAME_A not in body, (op_id, "leaks the applicant's name")
                assert not any(c in body for c in m.a_codes if c not in url), (op_id, body[:300])
            if isinstance(klass, Scoped) and method == "GET":
                allowed = r.status_code == 200
                if allowed != _expected(role, klass.action, side == "inside"):
                    mismatches.append((op_id, side, r.status_code))
            if isinstance(klass, Scoped) and method == "POST" and side == "outside":
                # Outside the scope a write is refused, and never applied.
                assert r.status_code in (403, 404, 422, 400), (op_id, r.status_code)
    d.refresh_from_db()
    assert d.version == m.a_dossier.version  # no refused or invalid write changed the dossier
    assert not mismatches, mismatches


def test_unknown_and_foreign_dossiers_answer_alike(matrix):
    """A code of another unit and a code that does not exist get the same answer."""
    m = matrix
    user = m.outside[Role.ONE_STOP_OFFICER]
    token = api_services.api_token_create(actor=None, user=user, name="t")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    foreign = _client().get(f"/api/dossiers/{m.a_codes[0]}", **auth)
    unknown_code = m.a_codes[0][:-4] + "9999"
    unknown = _client().get(f"/api/dossiers/{unknown_code}", **auth)
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json() == unknown.json()
    html_foreign = _client(user).get(f"/dossiers/{m.a_codes[0]}/")
    assert html_foreign.status_code in (403, 404)
    assert NAME_A not in _text(html_foreign)


def test_staff_dossier_page_does_not_reveal_that_a_foreign_code_exists(matrix):
    """403 for another unit's dossier but 404 for a missing code would let a staff account
    find out which codes exist elsewhere."""
    m = matrix
    user = m.outside[Role.ONE_STOP_OFFICER]
    foreign = _client(user).get(f"/dossiers/{m.a_codes[0]}/")
    unknown = _client(user).get(f"/dossiers/{m.a_codes[0][:-4]}9999/")
    assert foreign.status_code == unknown.status_code


# --- Lists, search, exports, counts: nothing of the other unit ----------------------------

LIST_PAGES = [
    "/",
    "/dossiers/?kind=unit",
    "/dossiers/?kind=mine",
    "/dossiers/?kind=overdue",
    "/dossiers/?kind=to_return",
    "/dossiers/?kind=unit&q={other_code}",
    "/dossiers/?kind=unit&q=Alphad",
    "/dossiers/leader/",
    "/dossiers/reassign/",
    "/dossiers/handover-list/",
    "/dossiers/handover-batches/",
    "/dossiers/blocks/",
    "/indices/",
    "/indices/lost/",
    "/floor/so-lieu/",
    "/reports/",
    "/integrations/thong-bao/",
    "/integrations/dong-bo-cong-dvcqg/",
    "/dvc/phan-anh/don-vi/",
    "/privacy/nhat-ky/",
    "/api/dossiers?queue=unit",
    "/api/dossiers?queue=unit&search={other_code}",
    "/api/directives/tasks",
]


@pytest.mark.parametrize("side", ["A", "B"])
@pytest.mark.parametrize("role", STAFF_ROLES)
def test_lists_search_and_counts_never_show_the_other_unit(matrix, role, side):
    m = matrix
    if side == "A":
        user, _own, other, other_name = m.inside[role], m.a_codes, m.b_codes, NAME_B
    else:
        user, _own, other, other_name = m.outside[role], m.b_codes, m.a_codes, NAME_A
    token = api_services.api_token_create(actor=None, user=user, name="lists")[1]
    leaks = []
    for template in LIST_PAGES:
        url = template.format(other_code=other[0])
        extra = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if url.startswith("/api/") else {}
        r = _client(user).get(url, **extra)
        assert r.status_code < 500, (url, r.status_code)
        # The search box echoes what the user typed; that is not a leak.
        body = (
            _text(r)
            .replace(f"q={other[0]}", "")
            .replace(f"search={other[0]}", "")
            .replace(f'value="{other[0]}"', "")
        )
        for needle in [other_name, *other]:
            at = body.find(needle)
            if at >= 0:
                leaks.append((url, r.status_code, body[max(0, at - 150) : at + 80]))
    assert not leaks, leaks


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_exports_of_own_unit_hold_only_its_dossiers(matrix, role):
    """The tracking book (Mẫu 07) of a unit the user may read lists its dossiers only."""
    m = matrix
    today = timezone.localdate()
    r = _client(m.inside[role]).get(
        f"/documents/units/{m.world.one_stop.code}/tracking-book.xlsx",
        {"from": today.replace(day=1).isoformat(), "to": today.isoformat()},
    )
    if r.status_code != 200:
        assert not _expected(role, Action.DOSSIER_VIEW, True), (r.status_code, _text(r)[:300])
        return
    body = _text(r)
    assert all(code in body for code in m.a_codes)
    assert not any(code in body for code in m.b_codes) and NAME_B not in body


def test_citizens_see_only_their_own_dossiers(matrix):
    m = matrix
    import zipfile

    for citizen, own, other, other_name in (
        (m.citizen_a, m.a_codes, m.b_codes, NAME_B),
        (m.citizen_b, m.b_codes, m.a_codes, NAME_A),
    ):
        client = _client(citizen)
        listing = _text(client.get("/dvc/ho-so-cua-toi/"))
        assert not any(code in listing for code in other) and other_name not in listing
        r = client.get(f"/dvc/ho-so-cua-toi/{other[0]}/")
        assert r.status_code in (403, 404)
        assert other_name not in _text(r)
        # The export itself (a POST; GET only shows the confirmation page): the citizen's
        # own dossiers are in it, nothing of the other commune's.
        export = client.post("/privacy/cua-toi/tai-ve/")
        assert export.status_code == 200
        body = b"".join(export.streaming_content) if export.streaming else export.content
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            text = " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        assert own[0] in text
        assert not any(code in text for code in other) and other_name not in text
