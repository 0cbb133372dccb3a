"""A procedure version that dossiers were received under is never edited in place."""

import pytest
from django.urls import reverse

from cchc.accounts.models import User
from cchc.dossiers.tests.factories import make_world, receive
from cchc.procedures.models import FeeItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("root", "root@example.vn", "x")
    client.force_login(user)
    return client


def test_a_used_version_and_its_rows_are_read_only_in_the_admin(admin_client):
    world = make_world()
    version = world.version
    fee = FeeItem.objects.create(version=version, name="Lệ phí", amount=0)
    receive(world)
    url = reverse("admin:procedures_procedureversion_change", args=[version.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    response = admin_client.post(url, {"processing_time": "1"})
    assert response.status_code == 403

    fee_url = reverse("admin:procedures_feeitem_change", args=[fee.pk])
    assert admin_client.post(fee_url, {"name": "Khác", "amount": "5"}).status_code == 403
    fee.refresh_from_db()
    assert fee.name == "Lệ phí"


def test_an_unused_version_can_still_be_corrected(admin_client):
    world = make_world()
    url = reverse("admin:procedures_procedureversion_change", args=[world.version.pk])
    html = admin_client.get(url).content.decode()
    assert 'name="_save"' in html
