"""Batch hand-over lists (phiếu bàn giao) through the screens: made from the dossiers a
unit holds, printed to sign, and confirmed by the receiving unit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.dossiers.models import DossierEvent, HandoverBatch
from cchc.dossiers.tests.factories import receive
from cchc.dossiers.tests.test_views import detail_url, events, fresh, text

pytestmark = pytest.mark.django_db


def batch_post(world, dossiers, **overrides):
    data = {
        "from_unit": world.one_stop.pk,
        "to_unit": world.department.pk,
        "note": "Bàn giao buổi sáng",
        "dossiers": [d.pk for d in dossiers],
    }
    for d in dossiers:
        data[f"v_{d.pk}"] = fresh(d).version
    data.update(overrides)
    return data


def test_batch_hand_over_print_and_receive(client, world):
    a, b = receive(world), receive(world)
    client.force_login(world.officer)
    url = reverse("dossiers:handover_batches")
    body = text(client.get(url))
    assert a.code in body and b.code in body
    r = client.post(url, batch_post(world, [a, b]))
    assert r.status_code == 302, text(r)
    batch = HandoverBatch.objects.get()
    assert fresh(a).current_unit == world.department == fresh(b).current_unit
    printed = text(client.get(reverse("dossiers:handover_batch", args=[batch.pk]), {"print": 1}))
    assert "PHIẾU BÀN GIAO HỒ SƠ" in printed and a.code in printed and b.code in printed
    assert "Phiếu bàn giao: " + batch.code in text(client.get(detail_url(a)))

    # The one-stop cannot confirm for the department; the department can, once.
    before = events(a)
    r = client.post(reverse("dossiers:handover_batch", args=[batch.pk]), {"received_by_name": "X"})
    assert r.status_code == 403
    assert events(a) == before
    client.force_login(world.specialist)
    r = client.post(
        reverse("dossiers:handover_batch", args=[batch.pk]),
        {"received_by_name": "Trần Thị Chuyên Viên"},
    )
    assert r.status_code == 302, text(r)
    assert DossierEvent.objects.filter(action="handover_received").count() == 2
    body = text(client.get(reverse("dossiers:handover_batch", args=[batch.pk])))
    assert "Trần Thị Chuyên Viên" in body and "Xác nhận đã nhận" not in body
    before = events(a)
    r = client.post(reverse("dossiers:handover_batch", args=[batch.pk]), {"received_by_name": "Y"})
    assert r.status_code == 400
    assert "đã được xác nhận nhận" in text(r)
    assert events(a) == before


def test_batch_without_dossiers_is_refused(client, world):
    receive(world)
    client.force_login(world.officer)
    r = client.post(reverse("dossiers:handover_batches"), batch_post(world, []))
    assert r.status_code == 400
    assert "Vui lòng chọn ít nhất một hồ sơ để bàn giao." in text(r)
    assert HandoverBatch.objects.count() == 0


def test_batch_with_a_stale_dossier_changes_nothing(client, world):
    from cchc.dossiers import services

    a, b = receive(world), receive(world)
    client.force_login(world.officer)
    data = batch_post(world, [a, b])
    services.dossier_note_add(
        actor=world.officer, dossier=b, text="x", expected_version=fresh(b).version
    )
    before = (events(a), events(b))
    r = client.post(reverse("dossiers:handover_batches"), data)
    assert r.status_code == 400
    assert "Hồ sơ vừa được người khác cập nhật" in text(r)
    assert (events(a), events(b)) == before
    assert HandoverBatch.objects.count() == 0
    assert fresh(a).current_unit == world.one_stop


def test_batches_of_other_units_are_hidden(client, world):
    a = receive(world)
    client.force_login(world.officer)
    client.post(reverse("dossiers:handover_batches"), batch_post(world, [a]), follow=True)
    batch = HandoverBatch.objects.get()
    client.force_login(world.outsider)
    assert batch.code not in text(client.get(reverse("dossiers:handover_batches")))
    r = client.get(reverse("dossiers:handover_batch", args=[batch.pk]))
    assert r.status_code == 403 and a.code not in text(r)
    assert client.get(reverse("dossiers:handover_batch", args=[999999])).status_code == 404
    # Nor can another unit's officer hand over dossiers it does not hold.
    r = client.post(
        reverse("dossiers:handover_batches"),
        batch_post(world, [a], from_unit=world.other_commune_one_stop.pk),
    )
    assert r.status_code == 400
    assert HandoverBatch.objects.count() == 1


def test_hand_written_ids_are_not_localised(client, world):
    """Vietnamese number formatting groups thousands (12.345); ids in hand-written option
    values must stay plain digits or the posted choice matches nothing."""
    from cchc.accounts.models import Role
    from cchc.dossiers.tests.factories import grant, make_unit
    from cchc.units.models import UnitKind

    big = make_unit("Phòng Tư pháp", UnitKind.DEPARTMENT, world.commune, pk=12345)
    grant(world.leader, Role.UNIT_LEADER, big)
    grant(world.specialist, Role.SPECIALIST, big)
    client.force_login(world.leader)
    body = text(client.get(reverse("dossiers:leader"), {"unit": big.pk}))
    assert 'value="12345" selected' in body and "12.345" not in body
    client.force_login(world.specialist)
    body = text(client.get(reverse("dossiers:handover_batches"), {"from_unit": big.pk}))
    assert 'value="12345" selected' in body and 'name="from_unit" value="12345"' in body
    assert "12.345" not in body
