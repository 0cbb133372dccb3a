"""Initiatives, training (who is untrained), outreach, volunteer-assisted dossiers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cchc.dossiers.models import Channel, ComponentSource
from cchc.dossiers.tests.conftest import clock  # noqa: F401 (fixture)
from cchc.dossiers.tests.factories import components_for, drive_to, make_unit, make_user, receive
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


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_training_session_edited_attendance_by_unit_and_materials(
    clock,  # noqa: F811
    client,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    boss = world.extra["boss"]
    session = services.training_session_create(
        actor=boss,
        unit=world.commune,
        topic="Sử dụng hệ thống một cửa điện tử",
        held_on=dt.date(2026, 10, 5),
        participants=[world.officer],
    )
    services.training_session_update(
        actor=boss,
        session=session,
        topic="Sử dụng hệ thống một cửa điện tử (buổi 2)",
        held_on=dt.date(2026, 10, 6),
        trainers="Sở Nội vụ",
    )
    with pytest.raises(ValidationError) as exc:
        services.training_attendance_set(
            actor=boss, session=session, participants=[world.officer], present=[world.leader]
        )
    assert "present" in exc.value.message_dict
    services.training_attendance_set(
        actor=boss,
        session=session,
        participants=[world.specialist, world.specialist_2, world.leader],
        present=[world.specialist, world.leader],
    )
    rows = dict(session.attendance.values_list("user_id", "attended"))
    assert rows == {world.specialist.pk: True, world.specialist_2.pk: False, world.leader.pk: True}
    # Attendance corrected: two flip, one is added; whatever the size, in bulk.
    with django_assert_max_num_queries(9):  # one query per changed row was 10
        services.training_attendance_set(
            actor=boss,
            session=session,
            participants=[world.specialist, world.specialist_2, world.leader, world.officer],
            present=[world.specialist_2, world.leader, world.officer],
        )
    rows = dict(session.attendance.values_list("user_id", "attended"))
    assert rows == {
        world.specialist.pk: False,
        world.specialist_2.pk: True,
        world.leader.pk: True,
        world.officer.pk: True,
    }
    services.training_attendance_set(
        actor=boss,
        session=session,
        participants=[world.specialist, world.specialist_2, world.leader],
        present=[world.specialist, world.leader],
    )
    untrained = {
        u.pk
        for _u, people in selectors.community_overview(user=boss, year=2026).untrained
        for u in people
    }
    assert world.officer.pk in untrained  # dropped from the list: no longer trained
    assert world.specialist_2.pk in untrained and world.specialist.pk not in untrained
    with pytest.raises(PermissionDenied):
        services.training_session_update(
            actor=make_user(), session=session, topic="x", held_on=dt.date(2026, 10, 6)
        )
    # Materials: checked by content, stored under a generated name, served to the scope.
    client.force_login(boss)
    url = reverse("reforms:training", args=[session.pk])
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("slide.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client.post(url, {"action": "material", "file": fake}, follow=True)
    assert "không đúng định dạng" in response.content.decode()
    good = SimpleUploadedFile("Bài giảng một cửa.pdf", PDF, "application/pdf")
    client.post(url, {"action": "material", "file": good})
    (material,) = session.files.all()
    assert material.original_name == "Bài giảng một cửa.pdf"
    assert "Bài giảng" not in material.file.name and material.file.name.endswith(".pdf")
    download = client.get(reverse("reforms:training_material", args=[session.pk, material.pk]))
    assert b"".join(download.streaming_content) == PDF
    stranger = make_user()
    client.force_login(stranger)
    assert client.get(url).status_code == 403
    client.force_login(boss)
    html = client.get(url).content.decode()
    assert "Sử dụng hệ thống một cửa điện tử (buổi 2)" in html
    path = material.file.path
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "remove_material", "material": material.pk})
    assert not session.files.exists()
    import os

    assert not os.path.exists(path)


def test_outreach_edited(clock, client):  # noqa: F811
    world = make_world()
    boss = world.extra["boss"]
    a = services.outreach_create(
        actor=boss,
        unit=world.commune,
        kind=OutreachKind.MEETING,
        title="Hội nghị tuyên truyền",
        held_on=dt.date(2026, 9, 1),
        reach="50",
    )
    client.force_login(boss)
    url = reverse("reforms:outreach", args=[a.pk])
    response = client.post(
        url, {"kind": "social", "title": "", "held_on": "2026-09-02", "reach": "80"}
    )
    assert "Vui lòng nhập nội dung tuyên truyền" in response.content.decode()
    response = client.post(
        url,
        {"kind": "social", "title": "Bài viết trên Zalo", "held_on": "2026-09-02", "reach": "800"},
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.kind, a.title, a.reach, a.held_on) == (
        "social",
        "Bài viết trên Zalo",
        800,
        dt.date(2026, 9, 2),
    )


def test_training_pages_query_count_does_not_grow(clock, client, settings, tmp_path):  # noqa: F811
    """The session sheet and the new-session form: a fixed number of queries whatever the
    number of units, people called and materials (one called person out of scope too)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cchc.accounts.models import Role
    from cchc.core.uploads import check_upload
    from cchc.dossiers.tests.factories import grant

    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    boss = world.extra["boss"]
    outsider = make_user(full_name="Người đã chuyển công tác")  # called, now out of scope
    session = services.training_session_create(
        actor=boss,
        unit=world.commune,
        topic="Lập hồ sơ công việc điện tử",
        held_on=dt.date(2026, 10, 5),
        participants=[world.officer, outsider],
    )
    client.force_login(boss)
    sheet = reverse("reforms:training", args=[session.pk])
    form = reverse("reforms:training_new")

    def queries(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    queries(sheet), queries(form)  # warm the caches a first request fills
    few = (queries(sheet), queries(form))
    people = [world.officer, world.specialist, world.specialist_2, world.leader]
    for n in range(3):
        unit = make_unit(f"Tổ dân phố {n}", UnitKind.DEPARTMENT, world.commune)
        for k in range(3):
            person = make_user(full_name=f"Cán bộ {n}.{k}")
            grant(person, Role.SPECIALIST, unit)
            people.append(person)
    services.training_session_create(  # another session does not count either
        actor=boss,
        unit=world.commune,
        topic="Buổi khác",
        held_on=dt.date(2026, 10, 6),
        participants=people[:2],
    )
    from cchc.reforms.models import TrainingAttendance

    TrainingAttendance.objects.bulk_create(
        TrainingAttendance(session=session, user=u, attended=i % 2 == 0)
        for i, u in enumerate(people[1:])
    )
    for n in range(3):
        upload = SimpleUploadedFile(f"bai-{n}.pdf", PDF, "application/pdf")
        services.training_material_add(actor=boss, session=session, upload=check_upload(upload))
    html = client.get(sheet).content.decode()
    assert "Người đã chuyển công tác" in html and "bai-2.pdf" in html
    assert (queries(sheet), queries(form)) == few
