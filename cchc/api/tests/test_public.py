"""Public lookup, rating and the Open311 GeoReport v2 shaped status: code + secret, the
portal's rate limit, no personal data."""

from __future__ import annotations

import pytest
from django.test import Client

from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.factories import PERSONAL_ID, drive_to, receive

pytestmark = pytest.mark.django_db

OPEN311_KEYS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "agency_responsible",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
}


def _personal(d: Dossier) -> list[str]:
    a = d.applicant
    return [a.name, PERSONAL_ID, a.phone, a.email, a.address]


def test_open311_request_lookup_has_the_georeport_fields_and_no_personal_data(world):
    d = receive(world)
    secret = d.issued_lookup_secret
    r = Client().get(f"/api/open311/v2/requests/{d.code}.json?secret={secret}")
    assert r.status_code == 200, r.content
    [item] = r.json()
    assert set(item) == OPEN311_KEYS
    assert item["service_request_id"] == d.code
    assert item["status"] == "open"
    assert item["service_code"] == world.procedure.code
    assert item["agency_responsible"] == world.one_stop.name
    assert item["status_notes"].startswith("Đang giải quyết")
    for text in _personal(d):
        assert text not in r.content.decode()

    drive_to(world, d, "result")
    [item] = Client().get(f"/api/open311/v2/requests/{d.code}.json?secret={secret}").json()
    assert item["status"] == "closed"
    assert item["updated_datetime"] > item["requested_datetime"]


def test_wrong_secret_and_unknown_code_answer_alike(world):
    d = receive(world)
    wrong = Client().get(f"/api/open311/v2/requests/{d.code}.json?secret=SAI")
    unknown = Client().get("/api/open311/v2/requests/H99-261127-0001.json?secret=SAI")
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()
    missing = Client().get(f"/api/open311/v2/requests/{d.code}.json")
    assert missing.status_code == 422
    assert "secret" in missing.json()["error"]["fields"]


def test_lookups_share_the_portals_rate_limit(world, settings):
    settings.PORTAL_LOOKUP_ATTEMPTS = 3
    d = receive(world)
    client = Client()
    for _ in range(3):
        assert (
            client.post(
                "/api/public/lookup",
                {"code": d.code, "secret": "SAI"},
                content_type="application/json",
            ).status_code
            == 404
        )
    r = client.get(f"/api/open311/v2/requests/{d.code}.json?secret={d.issued_lookup_secret}")
    assert r.status_code == 429  # even the right secret, once over the limit
    assert r.json()["error"]["code"] == "rate_limited"
    assert "thử lại" in r.json()["error"]["message"]


def test_native_lookup_keeps_the_secret_out_of_the_url(world):
    d = receive(world)
    r = Client().post(
        "/api/public/lookup",
        {"code": d.code, "secret": d.issued_lookup_secret},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["code"] == d.code and body["status"] == "processing"
    assert body["steps"][0]["name"] == "Tiếp nhận hồ sơ"
    for text in _personal(d):
        assert text not in r.content.decode()


def test_public_rating_once_after_the_result(world):
    d = receive(world)
    secret = d.issued_lookup_secret
    body = {"code": d.code, "secret": secret, "rating": "satisfied", "comment": "Nhanh"}
    early = Client().post("/api/public/ratings", body, content_type="application/json")
    assert early.status_code == 422  # processing has not ended
    drive_to(world, d, "returned")
    r = Client().post("/api/public/ratings", body, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json() == {"code": d.code, "rating": "satisfied", "rating_label": "Hài lòng"}
    again = Client().post("/api/public/ratings", body, content_type="application/json")
    assert again.status_code == 422
    assert Dossier.objects.get(pk=d.pk).rating == "satisfied"
    wrong = Client().post(
        "/api/public/ratings", {**body, "secret": "SAI"}, content_type="application/json"
    )
    assert wrong.status_code == 404


def test_open311_services_lists_the_catalog(world):
    r = Client().get("/api/open311/v2/services.json")
    assert r.status_code == 200
    [service] = [s for s in r.json() if s["service_code"] == world.procedure.code]
    assert service["service_name"] == world.procedure.name
    assert service["metadata"] is False and service["type"] == "realtime"
