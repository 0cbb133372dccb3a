"""The simulated year (`cchc simulate`): determinism, both paths record what the engine
predicts (so they write the same events), the chain and projections verify afterwards,
and the year looks like a year at a one-stop shop."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from cchc.calendars.selectors import calendar_for_unit
from cchc.dossiers.audit import audit_verify
from cchc.dossiers.models import Channel, Dossier, DossierCodeSequence, DossierEvent
from cchc.dossiers.simulation import prepare, simulate, simulate_runs
from cchc.dossiers.tests.factories import make_world, receive

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN)


@pytest.fixture
def world(db):
    w = make_world()
    # Offered online, so the year has online submissions too.
    w.version.online_level = "full"
    w.version.save(update_fields=["online_level"])
    # A unit's speed is drawn from its code: fixed codes, whatever ran before.
    for unit, code in (
        (w.one_stop, "SIM-MC"),
        (w.department, "SIM-VHXH"),
        (w.other_department, "SIM-KT"),
    ):
        unit.code = code
        unit.save(update_fields=["code"])
    return w


def _predicted(n: int, seed: int, year: int = 2026):
    sim_world, drawn, cutoff = prepare(dossiers=n, seed=seed, year=year, bulk=True, now=NOW)
    return list(simulate_runs(sim_world, drawn, cutoff))


def _comparable(payload: dict) -> dict:
    """The payload without what only the database knows (row ids, the secret's hash)."""
    out = dict(payload)
    if "set" in out:
        out["set"] = {
            k: v for k, v in out["set"].items() if k not in ("lookup_secret_hash", "applicant_id")
        }
    return out


def _stored(code: str) -> list[tuple]:
    return [
        (e.action, e.actor_id, e.unit_id, e.created_at, _comparable(e.payload))
        for e in DossierEvent.objects.filter(dossier__code=code).order_by("seq")
    ]


def _expected(run) -> list[tuple]:
    return [(e.action, e.actor_id, e.unit_id, e.at, _comparable(e.payload)) for e in run.events]


def _assert_verified() -> None:
    report = audit_verify(projections=True)
    assert report.ok, [str(p) for p in report.problems[:5]]


def test_same_seed_same_dossiers_other_seed_others(world):
    first = _predicted(60, seed=5)
    again = _predicted(60, seed=5)
    other = _predicted(60, seed=6)
    assert [(r.code, r.received_at, r.channel) for r in first] == [
        (r.code, r.received_at, r.channel) for r in again
    ]
    assert [_expected(r) for r in first] == [_expected(r) for r in again]
    assert [r.received_at for r in first] != [r.received_at for r in other]


def test_services_path_writes_what_the_engine_predicts_and_verifies(world):
    predicted = _predicted(15, seed=11)
    report = simulate(dossiers=15, seed=11, year=2026, now=NOW)

    assert report.path == "services"
    assert report.dossiers == Dossier.objects.count() == 15
    assert report.events == DossierEvent.objects.count() == sum(len(r.events) for r in predicted)
    for run in predicted:
        assert _stored(run.code) == _expected(run), run.code
    _assert_verified()


@pytest.mark.parametrize("workers", [1, 2])
def test_bulk_path_writes_what_the_engine_predicts_and_verifies(world, workers):
    predicted = _predicted(120, seed=11)
    report = simulate(dossiers=120, seed=11, year=2026, bulk=True, now=NOW, workers=workers)

    assert report.path == "bulk"
    assert Dossier.objects.count() == 120
    assert report.events == DossierEvent.objects.count()
    for run in predicted:
        assert _stored(run.code) == _expected(run), run.code
    _assert_verified()
    # Codes are gap-free per agency and day, and the sequences know where intake resumes.
    by_day: dict[str, list[int]] = {}
    for code in Dossier.objects.values_list("code", flat=True):
        prefix, number = code.rsplit("-", 1)
        by_day.setdefault(prefix, []).append(int(number))
    for prefix, numbers in by_day.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), prefix
    assert sum(s.last_number for s in DossierCodeSequence.objects.all()) == 120
    # Ids were given in advance: a real intake afterwards still gets fresh ones.
    highest = max(Dossier.objects.values_list("pk", flat=True))
    assert receive(world).pk > highest


def test_both_paths_chain_one_after_the_other_and_record_the_same_kinds(world):
    simulate(dossiers=8, seed=3, year=2025, now=NOW)
    by_services = set(DossierEvent.objects.values_list("action", flat=True))
    before = DossierEvent.objects.count()
    simulate(dossiers=100, seed=3, year=2026, bulk=True, now=NOW)
    by_bulk = set(
        DossierEvent.objects.filter(chain_seq__gt=before).values_list("action", flat=True)
    )

    _assert_verified()
    assert {"received", "handed_over", "assigned", "approved", "result_issued"} <= by_services
    assert by_services <= by_bulk
    # The chain refuses to go back in time: 2025 again would be back-dated.
    with pytest.raises(Exception, match="sau thời điểm hồ sơ mô phỏng đầu tiên"):
        simulate(dossiers=5, seed=4, year=2025, bulk=True, now=NOW)


def test_a_year_looks_like_a_year(world):
    simulate(dossiers=400, seed=21, year=2026, bulk=True, now=NOW)
    dossiers = list(Dossier.objects.all())
    calendar = calendar_for_unit(unit=world.one_stop)
    counter = [d for d in dossiers if d.channel in (Channel.COUNTER, Channel.POSTAL)]
    online = [d for d in dossiers if d.channel == Channel.ONLINE]

    # The counter is open on working days, in office hours only.
    for d in counter:
        local = d.received_at.astimezone(VN)
        assert calendar.is_working_day(local.date()), d.code
        assert dt.time(7, 30) <= local.time() <= dt.time(17, 0), d.code
    weekdays = Counter(d.received_at.astimezone(VN).weekday() for d in counter)
    assert weekdays[0] > weekdays[4] > 0  # Monday peak, Friday quieter
    # Online share within bounds and rising through the year.
    assert 0.2 < len(online) / len(dossiers) < 0.7
    first_half = [d for d in dossiers if d.received_at.astimezone(VN).month <= 6]
    second_half = [d for d in dossiers if d.received_at.astimezone(VN).month > 6]

    def share(ds):
        return sum(d.channel == Channel.ONLINE for d in ds) / len(ds)

    assert share(second_half) > share(first_half)
    assert any(d.channel == Channel.POSTAL for d in dossiers)
    # Some late, most not; some supplements; ratings; dossiers still open at "now".
    late = sum(d.outcome == "late" for d in dossiers)
    finished = sum(bool(d.outcome) for d in dossiers)
    assert 0 < late < 0.3 * finished
    assert any(d.supplement_count for d in dossiers)
    assert any(d.rating for d in dossiers)
    assert any(d.is_open for d in dossiers)
    assert all(d.received_at <= NOW for d in dossiers)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"dossiers": 0, "year": 2026}, "số nguyên dương"),
        ({"dossiers": 5, "year": 2031}, "Năm mô phỏng"),
        ({"dossiers": 50_000, "year": 2026}, "--bulk"),
        ({"dossiers": 5, "year": 2026, "units": ["KHONG-CO"]}, "KHONG-CO"),
        ({"dossiers": 5, "year": 2020}, "Không có thủ tục"),
        ({"dossiers": 5, "year": 2026, "workers": 2}, "--bulk"),
    ],
)
def test_command_refuses_bad_arguments(world, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("simulate", **options)
    assert not Dossier.objects.exists()


def test_command_prints_what_it_made(world, capsys):
    call_command("simulate", dossiers=8, seed=2, year=2025, bulk=True)
    out = capsys.readouterr().out
    assert "Đã mô phỏng 8 hồ sơ" in out and "giây" in out
    assert Dossier.objects.count() == 8


def test_bulk_tells_its_subscribers_after_commit(world, django_capture_on_commit_callbacks):
    from cchc.dossiers.simulation import AFTER_BULK_HOOKS

    seen: list[range] = []
    AFTER_BULK_HOOKS.append(seen.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            simulate(dossiers=10, seed=1, year=2026, bulk=True, now=NOW)
    finally:
        AFTER_BULK_HOOKS.remove(seen.append)
    assert [list(ids) for ids in seen] == [sorted(Dossier.objects.values_list("pk", flat=True))]
    # Simulated applicants carry no contact details: no notification can reach anyone.
    assert not Dossier.objects.exclude(applicant__phone="", applicant__email="").exists()
