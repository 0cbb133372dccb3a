"""Mining, effects and proposals over dossiers moved by the real services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.accounts.models import Role
from cchc.dossiers import services as ds
from cchc.dossiers.models import ComponentSource, Dossier
from cchc.dossiers.tests.conftest import VN, clock  # noqa: F401 (fixture)
from cchc.dossiers.tests.factories import components_for, drive_to, grant, make_user, receive
from cchc.dossiers.tests.factories import make_world as _make_world
from cchc.procedures.models import ProcedureVersion, ProcessStep
from cchc.reforms import selectors, services
from cchc.reforms.models import ChangeKind, ProposalStatus
from cchc.reforms.processmap import process_map

pytestmark = pytest.mark.django_db


def make_world():
    world = _make_world()
    boss = make_user(full_name="Chủ tịch phường")
    grant(boss, Role.UNIT_LEADER, world.commune, include_subtree=True)
    grant(boss, Role.CHAIRMAN, world.commune, include_subtree=True)
    world.extra["boss"] = boss
    return world


def fresh(d: Dossier) -> Dossier:
    return Dossier.objects.get(pk=d.pk)


def transfer(world, d, unit):
    return ds.dossier_handover(
        actor=world.extra["boss"], dossier=fresh(d), to_unit=unit, advance_step=False
    )


def test_a_dossier_bounced_twice_is_detected(clock):  # noqa: F811
    world = make_world()
    d = receive(world)
    clock.advance(hours=2)
    d = drive_to(world, d, "at_department")
    clock.advance(hours=3)
    transfer(world, d, world.other_department)  # wrong department
    clock.advance(hours=3)
    transfer(world, d, world.department)  # back: bounce 1
    clock.advance(hours=3)
    transfer(world, d, world.other_department)  # back again: bounce 2
    clock.set(dt.datetime(2026, 11, 17, 8, 0, tzinfo=VN))
    other = receive(world)
    clock.advance(hours=1)
    drive_to(world, other, "at_department")
    data = selectors.mining_overview(user=world.extra["boss"], year=2026, now=clock.now)
    (r,) = data.results
    assert r.dossiers == 2
    assert r.bounced_dossiers == [d.pk]
    assert r.reworked_dossiers == [d.pk]
    pair = tuple(sorted((world.department.pk, world.other_department.pk)))
    assert (pair[0], pair[1], 3) in r.loop_pairs
    # Hand-overs: d one-stop→dept + 3 transfers, other one-stop→dept: 5 over 2 dossiers.
    assert r.handovers_per_dossier == Decimal("2.5")
    # Step 1 (reception) took 2 h and 1 h of a 7.5 h office day (07:30–11:30, 13:30–17:00)
    # by the real calendar: median 1.5 h, p90 1.9 h.
    step1 = next(s for s in r.steps if s.order == 1)
    assert step1.times.n == 2
    q = Decimal("1e-12")
    assert step1.times.median.quantize(q) == (Decimal("1.5") / Decimal("7.5")).quantize(q)
    assert step1.times.p90.quantize(q) == (Decimal("1.9") / Decimal("7.5")).quantize(q)
    svg = process_map(r, title="Đăng ký khai sinh").decode()
    assert svg.startswith("<?xml") and "Thẩm định, xử lý hồ sơ" in svg
    assert "chuyển đơn vị khác" in svg
    assert process_map(r, fmt="png").startswith(b"\x89PNG")


def test_supplements_and_missing_components(clock):  # noqa: F811
    world = make_world()
    d = receive(world)
    d = drive_to(world, d, "assigned")
    ds.dossier_request_supplement(
        actor=world.specialist,
        dossier=fresh(d),
        items=["Giấy chứng sinh  bản chính", "Tờ khai"],
        reason="Thiếu",
    )
    clock.advance(days=2)
    receive(
        world,
        channel="online",
        actor=world.citizen,
        components=components_for(world, source=ComponentSource.ELECTRONIC),
    )
    data = selectors.mining_overview(user=world.extra["boss"], year=2026, now=clock.now)
    (r,) = data.results
    assert r.supplement_rate == Decimal("0.5")
    assert r.missing_components == [("Giấy chứng sinh bản chính", 1), ("Tờ khai", 1)]
    assert r.online_rate == Decimal("0.5")
    # 2 paper components + 2 electronic ones.
    assert r.digitization_rate == Decimal("0.5")


def test_mining_query_count_does_not_grow(clock, django_assert_num_queries):  # noqa: F811
    world = make_world()
    boss = world.extra["boss"]
    drive_to(world, receive(world), "at_department")
    selectors.mining_overview(user=boss, year=2026)  # warm the calendar cache
    with django_assert_num_queries(8):
        selectors.mining_overview(user=boss, year=2026)
    for _ in range(3):
        drive_to(world, receive(world), "approved")
    with django_assert_num_queries(8):
        data = selectors.mining_overview(user=boss, year=2026)
    assert data.results[0].dossiers == 4


def test_scope_hides_other_communes(clock):  # noqa: F811
    world = make_world()
    drive_to(world, receive(world), "at_department")
    stranger = make_user()
    grant(stranger, Role.UNIT_LEADER, world.other_commune_one_stop)
    assert selectors.mining_overview(user=stranger, year=2026).results == []


def test_effect_per_procedure_version(clock):  # noqa: F811
    world = make_world()
    v1 = world.version
    d1 = receive(world)
    clock.advance(days=2)
    d1 = drive_to(world, d1, "returned")
    switch = clock.now + dt.timedelta(hours=1)
    ProcedureVersion.objects.filter(pk=v1.pk).update(valid_to=switch)
    v2 = ProcedureVersion.objects.create(
        procedure=v1.procedure,
        number=2,
        valid_from=switch,
        implementing_unit_kinds=v1.implementing_unit_kinds,
        processing_time=Decimal(3),
        processing_time_unit="working_days",
    )
    for s in ProcessStep.objects.filter(version=v1):
        s.pk, s.version = None, v2
        s.save()
    for c in v1.components.all():
        c.pk, c.version = None, v2
        c.save()
    world.version = v2  # the components offered are v2's requirements
    clock.advance(hours=2)
    d2 = receive(world)
    assert d2.procedure_version_id == v2.pk
    clock.advance(hours=1)
    drive_to(world, d2, "returned")
    effect = selectors.procedure_effect(user=world.extra["boss"], procedure=v1.procedure)
    first, second = effect.versions
    assert (first.stats.dossiers, second.stats.dossiers) == (1, 1)
    assert first.stats.times.median > second.stats.times.median > 0
    assert second.processing_time == Decimal(3)
    assert first.stats.fees_collected == second.stats.fees_collected == Decimal(0)


def _proposal(world):
    return services.proposal_create(
        actor=world.leader,
        unit=world.department,
        procedure=world.procedure,
        title="Bỏ bản sao giấy chứng sinh",
        hours="4",
        income_per_hour="30000",
        income_source="Thu nhập bình quân 5.280.000 đ/tháng ÷ 22 ngày ÷ 8 giờ",
        subjects_per_year="1200",
        fees="8000",
        other_costs="32000",
    )


def test_proposal_review_creates_a_directive_task(clock):  # noqa: F811
    from cchc.directives.models import Task

    world = make_world()
    p = _proposal(world)
    services.proposal_item_add(
        actor=world.leader,
        proposal=p,
        kind=ChangeKind.REUSE_COMPONENT,
        target="Giấy chứng sinh (khai thác từ CSDL hộ tịch)",
        hours_saved="1.5",
        cost_saved="20000",
        days_saved="1",
    )
    with pytest.raises(ValidationError) as exc:
        services.proposal_item_add(
            actor=world.leader, proposal=p, kind=ChangeKind.CUT_STEP, target="x", hours_saved="3"
        )
    assert "hours_saved" in exc.value.message_dict
    c = selectors.proposal_cost(p)
    assert c.reduction.per_year == Decimal(78000000)
    assert c.reduction.percent == Decimal("40.63")
    services.proposal_submit(actor=world.leader, proposal=p)
    with pytest.raises(PermissionDenied):
        services.proposal_review(actor=world.specialist, proposal=p, approve=True)
    with pytest.raises(ValidationError):
        services.proposal_review(actor=world.extra["boss"], proposal=p, approve=False)
    p = services.proposal_review(
        actor=world.extra["boss"], proposal=p, approve=True, deadline=dt.date(2026, 12, 31)
    )
    assert p.status == ProposalStatus.APPROVED
    task = Task.objects.get(pk=p.task_id)
    assert task.source == f"reforms:proposal:{p.pk}"
    assert "Giấy chứng sinh" in task.text


def test_proposal_needs_income_source_and_numbers(clock):  # noqa: F811
    world = make_world()
    kw = {
        "actor": world.leader,
        "unit": world.department,
        "procedure": world.procedure,
        "title": "T",
        "hours": "4",
        "income_per_hour": "30000",
        "income_source": "",
        "subjects_per_year": "10",
    }
    with pytest.raises(ValidationError) as exc:
        services.proposal_create(**kw)
    assert "income_source" in exc.value.message_dict
    kw["income_source"] = "x"
    kw["hours"] = "-1"
    with pytest.raises(ValidationError) as exc:
        services.proposal_create(**kw)
    assert "hours" in exc.value.message_dict


def test_mining_a_simulated_year():
    """Bulk-simulated dossiers (the same events the services write) mine without error,
    and what is mined agrees with the projections."""
    from cchc.dossiers.models import DossierStep
    from cchc.dossiers.simulation import simulate
    from cchc.dossiers.tests.test_simulation import NOW

    world = make_world()
    world.version.online_level = "full"
    world.version.save(update_fields=["online_level"])
    simulate(dossiers=80, seed=3, year=2026, bulk=True, now=NOW)
    data = selectors.mining_overview(user=world.extra["boss"], year=2026, now=NOW)
    assert sum(r.dossiers for r in data.results) == 80
    total = sum(r.total_overrun for r in data.results)
    assert total == sum(s.overrun_working_days for s in DossierStep.objects.all())
    bounced = {d for r in data.results for d in r.bounced_dossiers}
    assert bounced == set(Dossier.objects.filter(bounce_count__gte=2).values_list("pk", flat=True))
    for r in data.results:
        for s in r.steps:
            assert s.times.median <= s.times.p90


def test_hourly_income_from_a_monthly_income_and_editable_inputs(clock):  # noqa: F811
    """Hand-computed: 8.800.000 đ/month ÷ 22 days ÷ 8 h = 50.000 đ/h; 4 h × 50.000 =
    200.000 + 50.000 fees + 30.000 other = 280.000 đ a time; × 1.000 subjects × 1 =
    280.000.000 đ a year (Điều 27 khoản 3 TT 02/2017/TT-VPCP)."""
    world = make_world()
    p = services.proposal_create(
        actor=world.leader,
        unit=world.department,
        procedure=world.procedure,
        title="Liên thông khai sinh",
        hours="4",
        income_per_hour="",
        monthly_income="8800000",
        income_source="Thu nhập bình quân đầu người một tháng 2025 (Cục Thống kê tỉnh)",
        subjects_per_year="1000",
        fees="50000",
        other_costs="30000",
    )
    assert (p.income_per_hour, p.working_days_per_month, p.hours_per_day) == (50000, 22, 8)
    c = selectors.proposal_cost(p)
    assert c.reduction.before.labour == 200000
    assert c.reduction.before.per_execution == 280000
    assert c.reduction.before.per_year == 280_000_000
    services.proposal_item_add(
        actor=world.leader,
        proposal=p,
        kind=ChangeKind.REUSE_COMPONENT,
        target="Giấy chứng sinh",
        hours_saved="1",
        cost_saved="20000",
    )
    # The divisors are inputs: 20 working days → 8.800.000 ÷ 20 ÷ 8 = 55.000 đ/h.
    p = services.proposal_update(
        actor=world.leader,
        proposal=p,
        hours="4",
        income_per_hour="",
        monthly_income="8800000",
        working_days_per_month="20",
        hours_per_day="8",
        income_source="Cục Thống kê tỉnh",
        subjects_per_year="1000",
        frequency_per_year="1",
        fees="50000",
        other_costs="30000",
    )
    assert p.income_per_hour == 55000
    c = selectors.proposal_cost(fresh_proposal(p))
    # Before 4 × 55.000 + 80.000 = 300.000; after 3 × 55.000 + 50.000 + 10.000 = 225.000.
    assert (c.reduction.before.per_execution, c.reduction.after.per_execution) == (
        300000,
        225000,
    )
    assert c.reduction.per_year == 75_000_000 and c.reduction.percent == Decimal("25.00")
    # Inputs that no longer hold the items' savings, bad divisors: refused, nothing changes.
    base = {
        "actor": world.leader,
        "proposal": p,
        "income_per_hour": "30000",
        "income_source": "x",
        "subjects_per_year": "1000",
        "frequency_per_year": "1",
        "fees": "50000",
        "other_costs": "30000",
    }
    with pytest.raises(ValidationError) as exc:
        services.proposal_update(**base, hours="0.5")
    assert "hours" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.proposal_update(**base, hours="4", monthly_income="1", working_days_per_month="0")
    assert "working_days_per_month" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.proposal_update(**{**base, "income_per_hour": ""}, hours="4")
    assert "income_per_hour" in exc.value.message_dict
    assert fresh_proposal(p).income_per_hour == 55000
    services.proposal_submit(actor=world.leader, proposal=p)
    with pytest.raises(ValidationError, match="dự thảo"):
        services.proposal_update(**base, hours="4")


def fresh_proposal(p):
    from cchc.reforms.models import Proposal

    return Proposal.objects.prefetch_related("items").get(pk=p.pk)
