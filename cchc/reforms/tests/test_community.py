"""Initiatives, training (who is untrained), outreach, volunteer-assisted dossiers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cchc.dossiers.models import Channel, ComponentSource
from cchc.dossiers.tests.conftest import clock  # noqa: F401 (fixture)
from cchc.dossiers.tests.factories import components_for, drive_to, make_unit, receive
from cchc.reforms import selectors, services
from cchc.reforms.models import InitiativeStatus, OutreachKind
from cchc.reforms.tests.test_db import make_world
from cchc.units.models import UnitKind

pytestmark = pytest.mark.django_db


def test_initiative_lifecycle(clock):  # noqa: F811
    world = make_world()
    boss = world.extra["boss"]
    i = services.initiative_submit(
        actor=world.specialist, unit=world.department, title="Phiếu hẹn điện tử qua Zalo"
    )
    with pytest.raises(PermissionDenied):
        services.initiative_review(
            actor=world.specialist, initiative=i, status=InitiativeStatus.RECOGNISED
        )
    with pytest.raises(ValidationError):  # applied before being recognised
        services.initiative_review(actor=boss, initiative=i, status=InitiativeStatus.APPLIED)
    services.initiative_review(actor=boss, initiative=i, status=InitiativeStatus.RECOGNISED)
    i = services.initiative_review(actor=boss, initiative=i, status=InitiativeStatus.APPLIED)
    assert i.status == InitiativeStatus.APPLIED and i.applied_at == clock.now


def test_untrained_staff_and_assisted_dossiers(clock, client, django_assert_num_queries):  # noqa: F811
    world = make_world()
    boss = world.extra["boss"]
    services.training_session_create(
        actor=boss,
        unit=world.commune,
        topic="Lập hồ sơ công việc điện tử",
        held_on=dt.date(2026, 10, 5),
        participants=[world.specialist, world.specialist_2, world.officer],
        absent=[world.specialist_2],
        trainers="Sở Nội vụ",
    )
    youth = make_unit("Đoàn Thanh niên phường", UnitKind.MASS_ORG, world.commune)
    services.outreach_create(
        actor=boss,
        unit=youth,
        kind=OutreachKind.VOLUNTEERS,
        title="Tình nguyện viên hướng dẫn nộp hồ sơ trực tuyến",
        held_on=dt.date(2026, 10, 10),
        reach="120",
    )
    receive(
        world,
        channel=Channel.ONLINE,
        actor=world.citizen,
        components=components_for(world, source=ComponentSource.ELECTRONIC),
        assisted_by={"name": "Nguyễn Tình Nguyện", "unit": youth},
    )
    receive(world)
    data = selectors.community_overview(user=boss, year=2026)
    untrained = {u.pk for _unit, people in data.untrained for u in people}
    assert world.specialist.pk not in untrained and world.officer.pk not in untrained
    assert world.specialist_2.pk in untrained  # invited, absent
    assert world.leader.pk in untrained
    assert data.reach == 120
    assert data.assisted == [{"unit": youth, "dossiers": 1, "online": 1}]
    (session,) = data.sessions
    assert (session.invited, session.present) == (3, 2)
    client.force_login(boss)
    url = reverse("reforms:community") + "?year=2026"
    client.get(url)
    with django_assert_num_queries(17):  # + the procedures offered for an initiative
        html = client.get(url).content.decode()
    assert "Lập hồ sơ công việc điện tử" in html and "Đoàn Thanh niên phường" in html
    response = client.post(url, {"form": "initiative", "unit": world.department.pk, "title": ""})
    assert "Vui lòng nhập tên sáng kiến" in response.content.decode()


def test_an_applied_initiative_shows_its_measured_effect(clock, client):  # noqa: F811
    """Before/after the application date, from the procedure's real dossiers, with the
    same statistics as the per-version effect (selectors.dossier_stats)."""
    world = make_world()
    boss = world.extra["boss"]
    d1 = receive(world)
    clock.advance(days=2)
    drive_to(world, d1, "returned")  # before: takes days
    clock.advance(days=1)
    applied_on = timezone.localdate(clock.now)
    with pytest.raises(ValidationError) as exc:
        services.initiative_submit(
            actor=boss, unit=world.commune, title="Một cửa số", metric="processing_days"
        )
    assert "procedure" in exc.value.message_dict
    i = services.initiative_submit(
        actor=boss,
        unit=world.commune,
        title="Phân công xử lý ngay khi tiếp nhận",
        procedure=world.procedure,
        metric="processing_days",
    )
    services.initiative_review(actor=boss, initiative=i, status=InitiativeStatus.RECOGNISED)
    with pytest.raises(ValidationError) as exc:
        services.initiative_review(
            actor=boss,
            initiative=i,
            status=InitiativeStatus.APPLIED,
            applied_on=applied_on + dt.timedelta(days=1),
        )
    assert "applied_on" in exc.value.message_dict
    i = services.initiative_review(
        actor=boss, initiative=i, status=InitiativeStatus.APPLIED, applied_on=applied_on
    )
    assert timezone.localtime(i.applied_at).date() == applied_on
    clock.advance(hours=1)
    d2 = receive(world)
    clock.advance(hours=1)
    drive_to(world, d2, "returned")  # after: the same day
    (effect,) = selectors.initiative_effects([i], now=clock.now).values()
    assert (effect.before.dossiers, effect.after.dossiers) == (1, 1)
    assert effect.before_value == effect.before.times.median
    assert effect.before_value > effect.after_value >= 0
    assert effect.improved is True  # fewer working days is better
    # The same figures as the procedure's effect for the dossiers of each side.
    from cchc.calendars.selectors import calendar_for_unit
    from cchc.dossiers.models import Dossier

    rows = list(Dossier.objects.filter(pk=d1.pk).values(*selectors.EFFECT_FIELDS))
    assert selectors.dossier_stats(rows, calendar_for_unit(unit=None)) == effect.before
    client.force_login(boss)
    html = client.get(reverse("reforms:community")).content.decode()
    row = html[html.index(f'data-testid="initiative-{i.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Thời gian giải quyết thực tế" in row and "cải thiện" in row
    assert "(1 hồ sơ)" in row
