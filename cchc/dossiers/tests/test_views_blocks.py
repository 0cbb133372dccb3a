"""Intake blocks (ngăn chặn tiếp nhận) through the screens."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.dossiers import services
from cchc.dossiers.models import SubjectBlock
from cchc.dossiers.tests.factories import make_world
from cchc.dossiers.tests.test_views import text

pytestmark = pytest.mark.django_db


def block_data(world, **overrides):
    data = {
        "unit": world.department.pk,
        "subject_kind": "land_parcel",
        "subject_key": "Thửa 12 tờ 5",
        "reason": "Đang tranh chấp",
        "basis": "Văn bản 12/TB-TA của Tòa án",
    }
    data.update(overrides)
    return data


def test_leader_records_a_block_and_officer_sees_it(client, world):
    client.force_login(world.leader)
    r = client.post(reverse("dossiers:blocks"), block_data(world))
    assert r.status_code == 302, text(r)
    assert SubjectBlock.objects.count() == 1
    client.force_login(world.officer)
    body = text(client.get(reverse("dossiers:blocks")))
    assert "Đang tranh chấp" in body and "Văn bản 12/TB-TA" in body
    assert "Ghi nhận ngăn chặn mới" not in body  # an officer cannot issue blocks


def test_block_without_reason_or_with_bad_dates_saves_nothing(client, world):
    client.force_login(world.leader)
    r = client.post(reverse("dossiers:blocks"), block_data(world, reason=""))
    assert r.status_code == 400
    assert "Vui lòng nêu lý do ngăn chặn." in text(r)
    r = client.post(
        reverse("dossiers:blocks"),
        block_data(world, valid_from="2026-12-10", valid_to="2026-12-01"),
    )
    assert r.status_code == 400
    assert "Ngày hết hiệu lực phải sau ngày bắt đầu." in text(r)
    assert SubjectBlock.objects.count() == 0


def test_officer_cannot_record_a_block(client, world):
    client.force_login(world.officer)
    r = client.post(reverse("dossiers:blocks"), block_data(world, unit=world.one_stop.pk))
    assert r.status_code == 403
    assert SubjectBlock.objects.count() == 0


def test_lift_needs_a_reason_and_the_issuing_unit(client, world):
    block = services.subject_block_create(
        actor=world.leader,
        unit=world.department,
        subject_kind="land_parcel",
        subject_key="Thửa 12 tờ 5",
        reason="Đang tranh chấp",
    )
    url = reverse("dossiers:block_lift", args=[block.pk])
    client.force_login(world.officer)
    assert client.post(url, {"reason": "x"}).status_code == 403
    # Another commune of the province sees the block (intake refuses it there too) but
    # cannot lift it; another province does not see it at all.
    client.force_login(world.outsider)
    assert "Đang tranh chấp" in text(client.get(reverse("dossiers:blocks")))
    assert client.post(url, {"reason": "x"}).status_code == 403
    elsewhere = make_world()
    client.force_login(elsewhere.officer)
    assert "Đang tranh chấp" not in text(client.get(reverse("dossiers:blocks")))
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(world.leader)
    r = client.post(url, {"reason": ""}, follow=True)
    assert "Vui lòng nêu lý do gỡ bỏ ngăn chặn." in text(r)
    block.refresh_from_db()
    assert block.lifted_at is None
    r = client.post(url, {"reason": "Tòa án đã giải quyết xong"}, follow=True)
    block.refresh_from_db()
    assert block.lifted_at is not None
    assert "Đang tranh chấp" not in text(r)
