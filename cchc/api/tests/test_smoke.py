import pytest

from cchc.api.tests.conftest import client_for
from cchc.dossiers.tests.factories import receive


@pytest.mark.django_db
def test_officer_lists_and_opens_a_dossier(world, officer_client):
    d = receive(world)
    r = officer_client.get("/api/dossiers?queue=unit")
    assert r.status_code == 200, r.content
    assert [i["code"] for i in r.json()["items"]] == [d.code]
    r = officer_client.get(f"/api/dossiers/{d.code}")
    assert r.status_code == 200, r.content
    assert r.json()["applicant_identifier_masked"].endswith("001")
    r = client_for(world.outsider).get(f"/api/dossiers/{d.code}")
    assert r.status_code == 404, r.content
