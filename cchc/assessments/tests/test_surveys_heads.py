"""Survey import (CSV/XLSX, row-numbered errors, all-or-nothing) and head evaluations."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from cchc.assessments import formulas, heads, selectors, services
from cchc.assessments.models import HeadStatus, SurveyResponse

D = Decimal
HEADER = "don_vi," + ",".join(f"q{i}" for i in range(1, 11)) + ",y_kien,ma_ho_so\n"


def _csv(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8-sig")


@pytest.fixture
def sipas(prov):
    return services.survey_create_from_template(actor=None, kind="sipas", year=2026)


def test_csv_import_and_sipas_per_unit(prov, sipas):
    content = _csv(
        "XA01,5,5,4,4,5,5,4,4,5,5,Rất tốt,H01.001",
        "XA01,2,5,4,4,5,5,4,4,5,5,Chờ lâu,",
        "XA02,1,1,1,1,1,1,1,1,1,1,,",
    )
    report = services.survey_responses_import(
        actor=prov.home_affairs, survey=sipas, content=content, filename="sipas.csv"
    )
    assert report.imported == 3
    _definition, rows = selectors.survey_results(survey=sipas)
    assert [(r.unit.code, r.rank) for r in rows] == [("XA01", 1), ("XA02", 2)]
    first = rows[0].result
    assert first.sub_indices["TIEP_CAN"] == 75 and first.composite == 95
    assert first.weakest_items(1)[0].code == "q1"
    assert rows[0].comments == ["Rất tốt", "Chờ lâu"]
    assert SurveyResponse.objects.get(dossier_code="H01.001").source_row == 2
    value = formulas.compute("sipas_index", prov.commune, 2026)
    assert value.rate == D("0.95") and value.detail["respondents"] == 2


def test_import_refuses_the_whole_file_with_row_numbers(prov, sipas):
    content = _csv("XA01,5,5,4,4,5,5,4,4,5,5,,", "XA09,5,,,,,,,,,,,", "XA01,6,x,,,,,,,,,,")
    with pytest.raises(ValidationError) as e:
        services.survey_responses_import(
            actor=prov.home_affairs, survey=sipas, content=content, filename="s.csv"
        )
    assert e.value.messages == [
        "dòng 3, cột don_vi: không có đơn vị mã “XA09”.",
        "dòng 4, cột q1: 6 ngoài thang 1–5.",
        "dòng 4, cột q2: “x” không phải số nguyên.",
    ]
    assert not SurveyResponse.objects.exists()


def test_xlsx_import_and_permissions(prov, sipas):
    wb = Workbook()
    ws = wb.active
    ws.append(["don_vi", *[f"q{i}" for i in range(1, 11)]])
    ws.append(["XA02", *[4] * 10])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(PermissionDenied):
        services.survey_responses_import(
            actor=prov.chairman, survey=sipas, content=buf.getvalue(), filename="s.xlsx"
        )
    report = services.survey_responses_import(
        actor=prov.home_affairs, survey=sipas, content=buf.getvalue(), filename="s.xlsx"
    )
    assert report.imported == 1
    with pytest.raises(ValidationError, match=r"\.csv hoặc \.xlsx"):
        services.survey_responses_import(
            actor=prov.home_affairs, survey=sipas, content=b"x", filename="s.pdf"
        )


def test_head_evaluation_from_the_units_data_then_confirmed(prov, sipas):
    services.survey_responses_import(
        actor=prov.home_affairs,
        survey=sipas,
        content=_csv("XA01,5,5,5,5,5,5,5,5,5,5,,"),
        filename="s.csv",
    )
    with pytest.raises(PermissionDenied):
        services.head_evaluation_compute(actor=prov.chairman, unit=prov.commune, year=2026)
    ev = services.head_evaluation_compute(
        actor=prov.home_affairs, unit=prov.commune, year=2026, head_name="Nguyễn Văn A"
    )
    # No dossiers, no final PAR, no tasks: only satisfaction (100 %) has data.
    assert ev.values["satisfaction"] == "100"
    assert ev.values["par"] is None and ev.values["late"] is None
    assert ev.score == 100 and ev.band == heads.EXCELLENT
    lines = {line["component"]: line for line in ev.breakdown["lines"]}
    assert D(lines["satisfaction"]["effective_weight"]) == 1
    # Different weights are validated.
    with pytest.raises(ValidationError):
        services.head_evaluation_compute(
            actor=prov.home_affairs, unit=prov.commune, year=2026, weights={"par": "-2"}
        )
    ev = services.head_evaluation_confirm(actor=prov.home_affairs, evaluation=ev, note="Đồng ý")
    assert ev.status == HeadStatus.CONFIRMED and ev.confirmed_by == prov.home_affairs
    with pytest.raises(ValidationError, match="đã được xác nhận"):
        services.head_evaluation_compute(actor=prov.home_affairs, unit=prov.commune, year=2026)
    assert [e.unit for e in selectors.head_list(user=prov.home_affairs, year=2026)] == [
        prov.commune
    ]


def test_seed_command_is_idempotent(prov):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("assessments_seed", year=2027, stdout=out)
    assert out.getvalue().count("Đã tạo") == 4
    out = io.StringIO()
    call_command("assessments_seed", year=2027, stdout=out)
    assert "Đã có đủ" in out.getvalue()


def _ddci_csv(*rows: str) -> bytes:
    header = "don_vi," + ",".join(f"d{i}" for i in range(1, 10)) + "\n"
    return (header + "\n".join(rows) + "\n").encode()


def test_ddci_ranked_within_agencies_and_communes_compared_with_last_year(prov):
    from cchc.dossiers.tests.factories import make_unit
    from cchc.units.models import UnitKind

    make_unit("Sở Tư pháp", UnitKind.AGENCY, prov.province, code="STP")
    one_stop = make_unit("Bộ phận Một cửa phường", UnitKind.ONE_STOP, prov.commune, code="MC01")
    old = services.survey_create_from_template(actor=None, kind="ddci", year=2025)
    new = services.survey_create_from_template(actor=None, kind="ddci", year=2026)
    best = "5,5,5,1,5,5,5,5,5"  # d4 (informal charges) is reversed: 1 is best
    worst = "1,1,1,5,1,1,1,1,1"
    services.survey_responses_import(
        actor=prov.home_affairs, survey=old, content=_ddci_csv(f"XA01,{worst}"), filename="o.csv"
    )
    services.survey_responses_import(
        actor=prov.home_affairs,
        survey=new,
        content=_ddci_csv(f"MC01,{best}", f"XA02,{worst}", f"STP,{best}"),
        filename="n.csv",
    )
    _d, rows = selectors.survey_results(survey=new)
    got = [(r.group, r.rank, r.unit.code, r.result.composite, r.previous) for r in rows]
    assert got == [
        ("Sở, ban, ngành", 1, "STP", D(100), None),
        # The one-stop shop's answers count for its commune, compared with 2025's 0.
        ("Cấp xã", 1, "XA01", D(100), D(0)),
        ("Cấp xã", 2, "XA02", D(0), None),
    ]
    assert rows[1].change == 100
    assert one_stop.pk not in [r.unit.pk for r in rows]


def test_survey_weights_are_editable_by_home_affairs_only(prov):
    s = services.survey_create_from_template(actor=None, kind="ddci", year=2026)
    with pytest.raises(PermissionDenied):
        services.survey_weights_update(actor=prov.chairman, survey=s, weights={"CNTT": "30"})
    with pytest.raises(ValidationError):
        services.survey_weights_update(actor=prov.home_affairs, survey=s, weights={"CNTT": "-1"})
    services.survey_weights_update(actor=prov.home_affairs, survey=s, weights={"CNTT": "30"})
    s.refresh_from_db()
    weights = {x["code"]: x["weight"] for x in s.definition["sub_indices"]}
    assert weights["CNTT"] == "30" and weights["MINH_BACH"] == "15"


def test_head_tasks_on_time_come_from_the_unit_directive_record(prov):
    """'Directive tasks on time' = done on time / (on time + late + overdue), read from
    cchc.directives.selectors.unit_directive_record; tasks not yet due are left out."""
    import datetime as dt

    from django.utils import timezone

    from cchc.directives.models import Task, TaskStatus
    from cchc.directives.services import task_create

    today = timezone.localdate()
    done = task_create(actor=prov.home_affairs, unit=prov.commune, text="Kế hoạch CCHC")
    overdue = task_create(
        actor=prov.home_affairs,
        unit=prov.commune,
        text="Báo cáo CCHC quý",
        deadline=today - dt.timedelta(days=3),
    )
    task_create(
        actor=prov.home_affairs,
        unit=prov.commune,
        text="Rà soát TTHC",
        deadline=today + dt.timedelta(days=30),
    )
    Task.objects.filter(pk=done.pk).update(status=TaskStatus.DONE, done_at=timezone.now())
    values, sources = selectors.head_inputs(unit=prov.commune, year=today.year)
    assert (sources["tasks"]["done_on_time"], sources["tasks"]["overdue"]) == (1, 1)
    assert sources["tasks"]["due"] == 2 and values["tasks"] == 50
    assert sources["tasks"]["source_url"].endswith(f"/record/?year={today.year}")
    assert Task.objects.get(pk=overdue.pk).status != TaskStatus.DONE
