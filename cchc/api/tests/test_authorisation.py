"""Nothing of another unit leaks: not in lists, counts, details, actions or messages."""

from __future__ import annotations

import pytest

from cchc.api.tests.conftest import client_for
from cchc.dossiers.models import Dossier
from cchc.dossiers.selectors import QUEUE_KINDS
from cchc.dossiers.tests.factories import drive_to, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossiers(world):
    first = receive(world)
    second = drive_to(world, receive(world), "result")  # in the to_return queue
    return [first, second]


@pytest.mark.parametrize("who", ["outsider", "citizen", "postal_staff"])
def test_a_token_from_elsewhere_sees_no_dossier_of_this_unit(world, dossiers, who):
    client = client_for(getattr(world, who))
    for kind in QUEUE_KINDS:
        for query in ("", f"&search={dossiers[0].code}", "&search=Nguyễn"):
            r = client.get(f"/api/dossiers?queue={kind}{query}")
            assert r.status_code == 200, r.content
            assert r.json() == {"count": 0, "items": []}, (kind, query)

    unknown = client.get("/api/dossiers/H99.99-261127-9999")
    assert unknown.status_code == 404
    for d in dossiers:
        r = client.get(f"/api/dossiers/{d.code}")
        assert r.status_code == 404
        assert r.json() == unknown.json()  # same answer as a code that does not exist
        r = client.post(
            f"/api/dossiers/{d.code}/note",
            {"expected_version": d.version, "text": "x"},
            content_type="application/json",
        )
        assert r.status_code == 404
        assert r.json() == unknown.json()
        for text in (d.code, d.applicant.name, d.receiving_unit.name):
            assert text not in r.content.decode()
    assert [Dossier.objects.get(pk=d.pk).version for d in dossiers] == [d.version for d in dossiers]


def test_this_units_officer_sees_them(world, dossiers):
    client = client_for(world.officer)
    assert client.get("/api/dossiers?queue=unit").json()["count"] == 1
    assert client.get("/api/dossiers?queue=to_return").json()["count"] == 1
    for d in dossiers:
        assert client.get(f"/api/dossiers/{d.code}").status_code == 200


def test_index_of_another_unit_is_forbidden(world):
    r = client_for(world.outsider).get(f"/api/indices/{world.commune.code}?period=2026")
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"


def test_no_credentials_is_401_on_every_staff_endpoint(world, dossiers):
    from django.test import Client

    anonymous = Client()
    code = dossiers[0].code
    for method, path in [
        ("get", "/api/dossiers"),
        ("get", f"/api/dossiers/{code}"),
        ("post", "/api/dossiers"),
        ("post", f"/api/dossiers/{code}/handover"),
        ("get", f"/api/indices/{world.commune.code}?period=2026"),
        ("get", "/api/directives/tasks"),
    ]:
        if method == "post":
            r = anonymous.post(path, {}, content_type="application/json")
        else:
            r = anonymous.get(path)
        assert r.status_code == 401, (path, r.content)
        assert r.json()["error"]["code"] == "unauthenticated"
        assert code not in r.content.decode()
