"""Dossier facts from the database, and the invariant: scoring the database and scoring
its own export give the same numbers."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cchc.dossiers import services
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.conftest import VN
from cchc.dossiers.tests.factories import drive_to, make_unit, receive
from cchc.indices.formulas import score
from cchc.indices.interchange import export_csv, facts_from_database, read_csv
from cchc.indices.periods import parse_period
from cchc.indices.selectors import index_for_database
from cchc.indices.sources import database_figures
from cchc.units.models import UnitKind

NOVEMBER = parse_period("2026-11")


def _reload(d):
    return Dossier.objects.get(pk=d.pk)


def test_facts_follow_the_projection(dossiers, world, django_assert_num_queries):
    with django_assert_num_queries(1):
        facts = {f.code: f for f in facts_from_database(period=NOVEMBER)}
    assert len(facts) == 6
    returned = facts[dossiers["returned"].code]
    assert returned.final_status == "returned" and returned.channel == "direct"
    assert returned.unit_code == world.one_stop.code
    assert returned.procedure_code == world.procedure.code
    assert returned.components_digitized and not returned.reused_data
    assert returned.result_paper and not returned.result_electronic
    assert returned.online_eligible and not returned.fee_required
    supplement = facts[dossiers["supplement"].code]
    assert supplement.final_status == "supplement" and supplement.supplement_requests == 1
    assert supplement.waiting_supplement_since == dt.datetime(2026, 11, 23, 8, 0)
    refused = facts[dossiers["refused"].code]
    assert (refused.final_status, refused.channel, refused.reused_data) == (
        "refused",
        "online",
        True,
    )
    fee = facts[dossiers["fee"].code]
    assert fee.fee_required and fee.paid_online and fee.result_electronic
    assert fee.rating == "dissatisfied" and fee.final_status == "returned"
    assert not fee.online_eligible  # its procedure is not full online
    late = facts[dossiers["late"].code]
    assert late.final_status == "done" and late.finished_at == dt.datetime(2026, 12, 2, 9, 0)
    assert facts[dossiers["open"].code].finished_at is None
    # Local naive times, to the second.
    assert returned.received_at == dt.datetime(2026, 11, 23, 8, 0)
    assert returned.due_at == dossiers["returned"].due_at.astimezone(VN).replace(tzinfo=None)


def test_scores_from_the_database(dossiers):
    result = index_for_database(period=NOVEMBER)
    out = {c["code"]: c for c in result.as_json()["criteria"]}
    # All six received. Due 01/12 17:00 (24/11 is a day off): as of 30/11 23:59:59 even
    # the one finished on 02/12 was not late yet.
    assert (out["DOSSIER_ON_TIME"]["numerator"], out["DOSSIER_ON_TIME"]["denominator"]) == (6, 6)
    # Online: five dossiers of the full-online procedure, one submitted online.
    assert (out["ONLINE_DOSSIERS"]["numerator"], out["ONLINE_DOSSIERS"]["denominator"]) == (1, 5)
    # Finished with a result in November: the returned one and the fee one.
    assert out["ORIGINAL_RESULT_AVAILABLE"]["denominator"] == 2
    assert out["ORIGINAL_RESULT_AVAILABLE"]["numerator"] == 1
    assert out["SO_HOA_GIAY_TO_GIAI_QUYET"]["numerator"] == 0  # fee one: paper components
    assert out["REUSED_DIGITIZED_DATA"]["numerator"] == 1
    assert (
        out["DOSSIERS_PAID_ONLINE"]["numerator"],
        out["DOSSIERS_PAID_ONLINE"]["denominator"],
    ) == (1, 1)
    assert out["DOSSIER_RECEIVING_SATISFACTION"]["numerator"] == 5  # minus the dissatisfied
    assert result.criterion("DOSSIER_RECEIVING_SATISFACTION").lost == (dossiers["fee"].code,)
    # Over November and December the 02/12 dossier is finished, late, with a result.
    both = index_for_database(period=parse_period("2026-11-01..2026-12-31"))
    assert both.criterion("ORIGINAL_RESULT_AVAILABLE").denominator == 3
    # ...and the one still open on 31/12 is overdue by then.
    assert set(both.criterion("DOSSIER_ON_TIME").lost) == {
        dossiers["late"].code,
        dossiers["open"].code,
    }
    assert both.criterion("DOSSIER_RECEIVING_SATISFACTION").numerator == 3


def test_scoring_the_database_equals_scoring_its_export(dossiers, tmp_path):
    for text in ("2026-11", "2026-Q4", "2026-11-23..2026-11-23", "2026-12"):
        period = parse_period(text)
        path = tmp_path / f"{text}.csv"
        export_csv(period=period, path=path)
        # The file carries the dossier facts only; the database adds the criteria it
        # computes from its other data (catalog, petitions, payments).
        from_file = score(
            read_csv(path), period, official=database_figures(period=period, unit=None)
        )
        assert index_for_database(period=period).as_json() == from_file.as_json()


def test_unit_subtree_by_tree_and_by_code_prefix(world, clock, tmp_path):
    # Hierarchical codes, as in the demo data: the tree and the code prefix agree.
    province = make_unit("Tỉnh X", UnitKind.PROVINCE, code="P99", agency_code="H99")
    commune = make_unit("Xã Y", UnitKind.COMMUNE, province, code="P99.W1", agency_code="H99.1")
    one_stop = make_unit("Một cửa xã Y", UnitKind.ONE_STOP, commune, code="P99.W1.MC")
    lookalike = make_unit("Xã Z", UnitKind.COMMUNE, province, code="P991", agency_code="H99.2")
    from cchc.accounts.models import Role
    from cchc.dossiers.tests.factories import grant

    grant(world.officer, Role.ONE_STOP_OFFICER, one_stop)
    grant(world.officer, Role.ONE_STOP_OFFICER, lookalike)
    receive(world, receiving_unit=one_stop)
    receive(world, receiving_unit=one_stop)
    receive(world, receiving_unit=lookalike)
    receive(world)  # the world's own one-stop, elsewhere
    by_tree = index_for_database(period=NOVEMBER, unit=commune)
    assert by_tree.dossiers == 2
    path = tmp_path / "all.csv"
    assert export_csv(period=NOVEMBER, path=path) == 4
    by_code = score(
        read_csv(path),
        NOVEMBER,
        unit="P99.W1",
        official=database_figures(period=NOVEMBER, unit=commune),
    )
    assert by_tree.as_json() == by_code.as_json()
    # The province's subtree holds the look-alike P991 by the tree, but not by "P99." prefix.
    assert index_for_database(period=NOVEMBER, unit=province).dossiers == 3
    assert score(read_csv(path), NOVEMBER, unit="P99").dossiers == 2
    # The unit's own export holds exactly its subtree.
    own = tmp_path / "own.csv"
    assert export_csv(period=NOVEMBER, unit=commune, path=own) == 2


def test_commands_export_and_index_from_the_database(dossiers, tmp_path):
    path = tmp_path / "export.csv"
    out = io.StringIO()
    call_command("dossiers", "export", "--period", "2026-11", "--csv", str(path), stdout=out)
    assert "Đã xuất 6 hồ sơ" in out.getvalue()
    from_db, from_file = io.StringIO(), io.StringIO()
    call_command("index", "--period", "2026-11", "--json", stdout=from_db)
    call_command("index", "--period", "2026-11", "--csv", str(path), "--json", stdout=from_file)
    db, file = json.loads(from_db.getvalue()), json.loads(from_file.getvalue())
    # The dossier criteria agree; the file leaves the database's other criteria null.
    from cchc.indices.definition import CRITERIA_BY_CODE, Source

    for a, b in zip(db["criteria"], file["criteria"], strict=True):
        if CRITERIA_BY_CODE[a["code"]].computed_from == Source.DOSSIERS:
            assert a == b
        else:
            assert b["numerator"] is None and b["score"] is None
    assert db["criteria"][0]["code"] == "PUBLISH_ON_TIME" and db["criteria"][0]["denominator"] == 0
    with pytest.raises(CommandError, match="Không có đơn vị mã “NOPE”"):
        call_command("index", "--period", "2026-11", "--unit", "NOPE")
    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command("dossiers", "export", "--period", "11/2026", "--csv", str(path))


def test_a_petition_about_the_dossier_is_a_complaint(world, clock, tmp_path):
    d = drive_to(world, receive(world), "returned")
    [before] = facts_from_database(period=NOVEMBER)
    assert before.complaint is False
    services.dossier_petition_add(
        actor=world.officer, dossier=d, kind="complaint", content="Trả kết quả chậm so với hẹn"
    )
    [after] = facts_from_database(period=NOVEMBER)
    assert after.complaint is True
    result = index_for_database(period=NOVEMBER)
    assert result.criterion("DOSSIER_RECEIVING_SATISFACTION").lost == (d.code,)
    path = tmp_path / "x.csv"
    export_csv(period=NOVEMBER, path=path)
    assert (
        result.as_json()
        == score(
            read_csv(path), NOVEMBER, official=database_figures(period=NOVEMBER, unit=None)
        ).as_json()
    )


def test_a_dossier_finished_after_the_period_end_is_unfinished_for_that_period(dossiers, tmp_path):
    """As of the period's end T: the dossier finished on 02/12 (status "done" now) is
    unfinished for a period ending 01/12 — E = T, and T (01/12 23:59:59) is past its due
    time (01/12 17:00), so it is late; it is not "finished with a result" either. Same
    figures from the database and from its export."""
    period = parse_period("2026-11-01..2026-12-01")
    path = tmp_path / "to-0112.csv"
    export_csv(period=period, path=path)
    late = dossiers["late"]
    [row] = [f for f in read_csv(path) if f.code == late.code]
    assert row.final_status == "done" and row.finished_at == dt.datetime(2026, 12, 2, 9, 0)
    for result in (index_for_database(period=period), score(read_csv(path), period)):
        on_time = result.criterion("DOSSIER_ON_TIME")
        assert late.code in on_time.lost and dossiers["open"].code in on_time.lost
        # With a result by T: the returned one and the fee one only.
        assert result.criterion("ORIGINAL_RESULT_AVAILABLE").denominator == 2
        assert late.code not in result.criterion("SO_HOA_GIAY_TO_GIAI_QUYET").lost
    # Ending 30/11, T is before its due time: E = T ≤ due, on time.
    november = index_for_database(period=NOVEMBER).criterion("DOSSIER_ON_TIME")
    assert late.code not in november.lost
