"""Dossiers through the API: the same services as the screens, one call per action."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cchc.api.tests.conftest import client_for
from cchc.dossiers.models import Dossier, DossierEvent
from cchc.dossiers.tests.factories import PERSONAL_ID, receive

pytestmark = pytest.mark.django_db


def _post(client: Client, path: str, data: dict, **extra):
    return client.post(path, data, content_type="application/json", **extra)


def _error(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def test_intake_then_the_whole_happy_path_one_endpoint_per_action(world):
    officer, leader, specialist = (
        client_for(world.officer),
        client_for(world.leader),
        client_for(world.specialist),
    )
    reqs = [r for r in world.requirements() if r.is_required]
    r = _post(
        officer,
        "/api/dossiers",
        {
            "channel": "counter",
            "procedure_code": world.procedure.code,
            "receiving_unit": world.one_stop.code,
            "applicant": {"name": "Nguyễn Thị Dân", "personal_id": PERSONAL_ID},
            "components": [{"requirement_id": q.pk, "source": "paper"} for q in reqs],
        },
    )
    assert r.status_code == 201, r.content
    created = r.json()
    code, secret = created["code"], created["lookup_secret"]
    assert created["version"] == 1 and created["status"] == "processing"
    assert Dossier.objects.get(code=code).version == 1

    def act(client, action, **data):
        version = Dossier.objects.get(code=code).version
        resp = _post(
            client, f"/api/dossiers/{code}/{action}", {"expected_version": version, **data}
        )
        assert resp.status_code == 200, (action, resp.content)
        return resp.json()

    act(officer, "handover", to_unit=world.department.code)
    act(leader, "assign", to_user=world.specialist.username)
    act(specialist, "note", text="Đã kiểm tra giấy chứng sinh.")
    act(specialist, "handover", to_unit=world.department.code, to_user=world.leader.username)
    act(leader, "approve")
    assert act(officer, "issue-result", paper=True)["status"] == "result_ready"
    assert act(officer, "return-result", method="counter")["status"] == "returned"
    rated = act(officer, "rate", rating="satisfied", lookup_secret=secret)
    assert rated["rating"] == "satisfied"
    actions = list(
        DossierEvent.objects.filter(dossier__code=code)
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[0] == "received" and "note_added" in actions and actions[-1] == "rated"
    assert actions.count("handed_over") >= 2


def test_stale_version_is_409_and_changes_nothing(world, officer_client):
    d = receive(world)
    r = _post(
        officer_client,
        f"/api/dossiers/{d.code}/handover",
        {"expected_version": d.version - 1, "to_unit": world.department.code},
    )
    assert r.status_code == 409
    assert _error(r)["code"] == "conflict"
    assert Dossier.objects.get(pk=d.pk).version == d.version


def test_service_validation_is_422_with_fields_and_permission_is_403(world, officer_client):
    d = receive(world)
    r = _post(
        officer_client,
        f"/api/dossiers/{d.code}/request-supplement",
        {"expected_version": d.version, "items": [], "reason": ""},
    )
    assert r.status_code == 422, r.content  # the service refuses an empty request
    error = _error(r)
    assert error["fields"] and error["message"]
    assert Dossier.objects.get(pk=d.pk).supplement_count == 0
    # The officer cannot approve: the service's permission check answers 403.
    r = _post(officer_client, f"/api/dossiers/{d.code}/approve", {"expected_version": d.version})
    assert r.status_code == 403
    error = _error(r)
    assert error["code"] == "forbidden" and "quyền" in error["message"]
    # Bad input caught by the schema: field errors in Vietnamese.
    r = _post(officer_client, "/api/dossiers", {"procedure_code": "KHONG-CO"})
    assert r.status_code == 422
    error = _error(r)
    assert error["code"] == "invalid"
    assert "receiving_unit" in error["fields"] and "applicant" in error["fields"]
    assert error["fields"]["applicant"] == ["Trường này là bắt buộc."]
    r = _post(
        officer_client,
        "/api/dossiers",
        {
            "procedure_code": world.procedure.code,
            "receiving_unit": world.one_stop.code,
            "applicant": {"name": "", "personal_id": "123"},
        },
    )
    assert r.status_code == 422
    error = _error(r)
    assert "applicant.name" in error["fields"] and "applicant.personal_id" in error["fields"]
    assert Dossier.objects.count() == 1


def test_malformed_json_and_wrong_types_answer_the_error_shape(world, officer_client):
    d = receive(world)
    r = officer_client.post(
        f"/api/dossiers/{d.code}/note", "{not json", content_type="application/json"
    )
    assert r.status_code in (400, 422)
    _error(r)
    r = _post(officer_client, f"/api/dossiers/{d.code}/note", {"expected_version": "x", "text": 1})
    assert r.status_code == 422
    assert set(_error(r)["fields"]) == {"expected_version", "text"}


def test_browser_session_needs_csrf_for_writes(world):
    d = receive(world)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.officer)
    assert browser.get(f"/api/dossiers/{d.code}").status_code == 200
    body = {"expected_version": d.version, "text": "Ghi chú"}
    r = _post(browser, f"/api/dossiers/{d.code}/note", body)
    assert r.status_code == 403
    assert _error(r)["code"] == "csrf_failed"
    browser.get("/api/docs")  # any page; then take the cookie Django set, or set one
    from django.middleware.csrf import _get_new_csrf_string

    token = _get_new_csrf_string()
    browser.cookies["csrftoken"] = token
    r = _post(browser, f"/api/dossiers/{d.code}/note", body, HTTP_X_CSRFTOKEN=token)
    assert r.status_code == 200, r.content
    # Without a session or token: 401, not a CSRF error.
    assert (
        _post(Client(enforce_csrf_checks=True), f"/api/dossiers/{d.code}/note", body).status_code
        == 401
    )


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(path)
    assert r.status_code == 200, r.content
    return len(ctx.captured_queries)


def test_queue_list_query_count_does_not_grow_with_the_page(
    world, officer_client, django_assert_max_num_queries
):
    receive(world)
    officer_client.get("/api/dossiers")  # the token's last-use time is written once a minute
    one = _queries(officer_client, "/api/dossiers?queue=unit")
    for _ in range(4):
        receive(world)
    five = _queries(officer_client, "/api/dossiers?queue=unit")
    assert five == one
    with django_assert_max_num_queries(8):
        r = officer_client.get("/api/dossiers?queue=unit&limit=3")
    assert r.json()["count"] == 5 and len(r.json()["items"]) == 3


def test_detail_has_steps_and_events_and_masks_the_identifier(world, officer_client):
    d = receive(world)
    body = officer_client.get(f"/api/dossiers/{d.code}").json()
    # The shared masking rule (cchc.core.privacy): the last 4 digits only.
    assert body["applicant_identifier_masked"] == "********" + PERSONAL_ID[-4:]
    assert PERSONAL_ID not in str(body)
    assert [s["name"] for s in body["steps"]] == ["Tiếp nhận hồ sơ"]
    assert [e["action"] for e in body["events"]] == ["received"]


def test_intake_refusal_and_foreign_unit(world):
    body = {
        "procedure_code": world.procedure.code,
        "receiving_unit": world.one_stop.code,
        "applicant": {"name": "Nguyễn Thị Dân", "personal_id": PERSONAL_ID},
        "components": [],
    }
    r = _post(client_for(world.officer), "/api/dossiers", body)
    assert r.status_code == 422, r.content
    error = _error(r)
    assert error["code"] == "intake_refused_supplement"
    assert "Giấy chứng sinh" in error["fields"]["components"]
    # An officer of another commune may not receive at this one-stop section.
    r = _post(client_for(world.outsider), "/api/dossiers", body)
    assert r.status_code == 403
    assert _error(r)["code"] == "forbidden"
    assert not Dossier.objects.exists()
