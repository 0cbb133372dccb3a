"""`import_csv`: another system's file into the dossier tables, all or nothing."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cchc.dossiers.audit import audit_verify
from cchc.dossiers.models import Dossier, DossierEvent, DossierStatus
from cchc.dossiers.tests.factories import make_procedure
from cchc.indices.formulas import score
from cchc.indices.interchange import (
    InterchangeError,
    export_csv,
    import_csv,
    read_csv,
)
from cchc.indices.periods import parse_period
from cchc.indices.selectors import index_for_database
from cchc.indices.tests.helpers import csv_text, row
from cchc.procedures.models import OnlineLevel

OCTOBER = parse_period("2026-10")


def _rows(world, fee_version):
    unit = world.one_stop.code
    other = world.other_commune_one_stop.code
    proc = world.procedure.code
    fee_proc = fee_version.procedure.code
    base = {
        "unit_code": unit,
        "procedure_code": proc,
        "online_eligible": 1,
        "received_at": "2026-10-05T08:00",
        "due_at": "2026-10-09T17:00",
    }
    return [
        row(
            code="EXT-1",
            **base,
            channel="online",
            finished_at="2026-10-08T10:00:00",
            final_status="returned",
            result_paper=1,
            result_electronic=1,
            components_digitized=1,
            rating="satisfied",
        ),
        row(
            code="EXT-2",
            **base,
            final_status="supplement",
            supplement_requests=2,
            waiting_supplement_since="2026-10-07T09:30:15",
        ),
        row(
            code="EXT-3",
            **base,
            channel="postal",
            finished_at="2026-10-12T10:00",
            final_status="done",
            result_paper=1,
            reused_data=1,
            complaint=1,
        ),
        row(
            code="EXT-4",
            **{**base, "unit_code": other},
            final_status="withdrawn",
            finished_at="2026-10-06T10:00",
            rating="dissatisfied",
        ),
        row(
            code="EXT-5",
            **{**base, "procedure_code": fee_proc, "online_eligible": 0},
            fee_required=1,
            paid_online=1,
        ),
        row(
            code="EXT-6",
            **{
                **base,
                "procedure_code": fee_proc,
                "online_eligible": 0,
                "received_at": "2026-10-31T23:59:59",
                "due_at": "2026-11-06T17:00",
            },
            fee_required=1,
        ),
    ]


@pytest.fixture
def fee_version(world):
    return make_procedure(fee=Decimal(20000), name="Cấp bản sao trích lục hộ tịch")


@pytest.fixture
def full_online(world):
    world.version.online_level = OnlineLevel.FULL
    world.version.save(update_fields=["online_level"])
    return world


def test_import_then_export_gives_the_same_file_and_the_same_index(
    world, full_online, fee_version, tmp_path
):
    source = tmp_path / "tinh.csv"
    source.write_text(csv_text(_rows(world, fee_version)), encoding="utf-8")
    report = import_csv(path=source)
    assert report.created == 6
    assert DossierEvent.objects.filter(action="imported").count() == 6
    d = Dossier.objects.get(code="EXT-2")
    assert d.status == DossierStatus.WAITING_SUPPLEMENT and d.supplement_count == 2
    assert Dossier.objects.get(code="EXT-1").returned_at is not None
    # The chain holds and replaying the events gives the stored projections.
    verify = audit_verify(projections=True)
    assert verify.ok, verify.problems
    # Export the same period: the same rows, flag for flag.
    back = tmp_path / "back.csv"
    assert export_csv(period=OCTOBER, path=back) == 6
    assert sorted(read_csv(back), key=lambda f: f.code) == sorted(
        read_csv(source), key=lambda f: f.code
    )
    from cchc.indices.sources import database_figures

    from_file = score(
        read_csv(source), OCTOBER, official=database_figures(period=OCTOBER, unit=None)
    )
    assert index_for_database(period=OCTOBER).as_json() == from_file.as_json()


def test_bad_rows_are_all_reported_and_nothing_is_written(
    world, full_online, fee_version, tmp_path
):
    rows = _rows(world, fee_version)
    rows[1]["unit_code"] = "KHONG-CO"
    rows[2]["procedure_code"] = "9.999999"
    rows[3]["online_eligible"] = "0"  # the catalog says full online
    rows[4]["fee_required"] = "0"  # the catalog has a fee...
    rows[4]["paid_online"] = "0"
    rows[5]["received_at"] = "2020-01-01T08:00"  # before the version applies
    rows[5]["due_at"] = "2020-01-06T17:00"
    rows.append(
        row(
            **{
                **rows[0],
                "code": "EXT-9",
                "received_at": "2027-01-04T08:00",
                "due_at": "2027-01-08T17:00",
                "finished_at": "2027-01-05T08:00",
            }
        )
    )
    path = tmp_path / "bad.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    events = DossierEvent.objects.count()
    with pytest.raises(InterchangeError) as exc:
        import_csv(path=path)
    assert {(e.line, e.column) for e in exc.value.row_errors} == {
        (3, "unit_code"),
        (4, "procedure_code"),
        (5, "online_eligible"),
        (6, "fee_required"),
        (7, "procedure_code"),
        (8, "received_at"),  # in the future (the clock says 23/11/2026)
    }
    assert Dossier.objects.count() == 0 and DossierEvent.objects.count() == events
    # A second import of a good file's codes is refused as duplicates, again atomically.
    good = tmp_path / "good.csv"
    good.write_text(csv_text(_rows(world, fee_version)), encoding="utf-8")
    import_csv(path=good)
    with pytest.raises(InterchangeError, match="Dòng 2, cột code: hồ sơ EXT-1 đã có"):
        import_csv(path=good)
    assert Dossier.objects.count() == 6


def test_import_command(world, full_online, fee_version, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(csv_text(_rows(world, fee_version)), encoding="utf-8")
    out = io.StringIO()
    call_command("dossiers", "import", "--csv", str(path), stdout=out)
    assert "Đã nhập 6 hồ sơ" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text([row(channel="fax")]), encoding="utf-8")
    with pytest.raises(CommandError, match="Dòng 2, cột channel"):
        call_command("dossiers", "import", "--csv", str(bad))
