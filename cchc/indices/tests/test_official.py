"""Official figures from the portal, stored beside the computed scores."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from cchc.accounts.models import Role
from cchc.dossiers.tests.factories import drive_to, grant, make_user, receive
from cchc.indices.interchange import InterchangeError
from cchc.indices.models import OfficialScore
from cchc.indices.periods import parse_period
from cchc.indices.selectors import index_comparison
from cchc.indices.services import OFFICIAL_COLUMNS, official_scores_import

HEADER = ",".join(OFFICIAL_COLUMNS)


def _write(tmp_path, lines):
    path = tmp_path / "official.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def test_import_replaces_and_compares(world, tmp_path):
    code = world.one_stop.code
    drive_to(world, receive(world), "returned")  # on time: computed 20 of 20
    path = _write(
        tmp_path,
        [
            f"{code},2026-11,DOSSIER_ON_TIME,9,10,18.00,Cổng DVCQG 05/12/2026",
            f"{code},2026-11,PUBLISH_ON_TIME,,,5.5,Cổng DVCQG 05/12/2026",
        ],
    )
    assert official_scores_import(actor=None, path=path) == 2
    # Importing again replaces, not duplicates.
    path = _write(tmp_path, [f"{code},2026-11,DOSSIER_ON_TIME,19,20,19,Cổng DVCQG 06/12/2026"])
    official_scores_import(actor=None, path=path)
    assert OfficialScore.objects.count() == 2
    result, rows = index_comparison(period=parse_period("2026-11"), unit=world.one_stop)
    by_code = {r.code: r for r in rows}
    on_time = by_code["DOSSIER_ON_TIME"]
    assert (on_time.computed, on_time.official, on_time.difference) == (
        Decimal(20),
        Decimal(19),
        Decimal(1),
    )
    assert on_time.official_source == "Cổng DVCQG 06/12/2026"
    publish = by_code["PUBLISH_ON_TIME"]
    assert (publish.computed, publish.official, publish.difference) == (
        None,
        Decimal("5.5"),
        None,
    )
    # The computed index itself is untouched by official figures.
    assert result.criterion("PUBLISH_ON_TIME").score is None
    out = io.StringIO()
    call_command("index", "--period", "2026-11", "--unit", code, "--compare", stdout=out)
    assert "DOSSIER_ON_TIME" in out.getvalue() and "1.00" in out.getvalue()


def test_our_figure_is_stored_beside_the_official_one_at_import(world, tmp_path):
    code = world.one_stop.code
    d = receive(world)
    drive_to(world, d, "returned")  # on time: 1 of 1, 20 points
    path = _write(tmp_path, [f"{code},2026-11,DOSSIER_ON_TIME,9,10,18,Cổng DVCQG 05/12/2026"])
    official_scores_import(actor=None, path=path)
    stored = OfficialScore.objects.get(criterion="DOSSIER_ON_TIME")
    assert (stored.computed_numerator, stored.computed_denominator) == (1, 1)
    assert stored.computed_score == Decimal(20)
    # Our data changes later (a second dossier, still open and soon late): the live figure
    # moves, the one recorded beside the official figure does not.
    receive(world)
    _, rows = index_comparison(period=parse_period("2026-11"), unit=world.one_stop)
    on_time = next(r for r in rows if r.code == "DOSSIER_ON_TIME")
    assert on_time.computed_at_import == Decimal(20)
    assert on_time.official == Decimal(18)
    out = io.StringIO()
    call_command("index", "--period", "2026-11", "--unit", code, "--compare", stdout=out)
    assert "Lúc nhập" in out.getvalue() and "20.00" in out.getvalue()


def test_bad_rows_reported_nothing_saved(world, tmp_path):
    code = world.one_stop.code
    path = _write(
        tmp_path,
        [
            f"{code},2026-11,DOSSIER_ON_TIME,9,10,18,x",
            "NOPE,2026-11,DOSSIER_ON_TIME,9,10,18,x",
            f"{code},2026-13,DOSSIER_ON_TIME,9,10,18,x",
            f"{code},2026-11,NO_SUCH,9,10,18,x",
            f"{code},2026-10,DOSSIER_ON_TIME,11,10,21,x",
            f"{code},2026-11,DOSSIER_ON_TIME,9,10,18,x",
        ],
    )
    with pytest.raises(InterchangeError) as exc:
        official_scores_import(actor=None, path=path)
    assert {(e.line, e.column) for e in exc.value.row_errors} == {
        (3, "unit_code"),
        (4, "period"),
        (5, "criterion"),
        (6, "numerator"),
        (6, "score"),
        (7, ""),
    }
    assert OfficialScore.objects.count() == 0
    with pytest.raises(CommandError, match="Dòng 3, cột unit_code"):
        call_command("index_official", "import", "--csv", str(path))


def test_permission_when_a_user_imports(world, tmp_path):
    path = _write(tmp_path, [f"{world.one_stop.code},2026-11,DOSSIER_ON_TIME,9,10,18,x"])
    with pytest.raises(PermissionDenied):
        official_scores_import(actor=world.officer, path=path)
    appraiser = make_user(full_name="Sở Nội vụ")
    grant(appraiser, Role.HOME_AFFAIRS, world.province, include_subtree=True)
    assert official_scores_import(actor=appraiser, path=path) == 1
    assert OfficialScore.objects.get().imported_by == appraiser
