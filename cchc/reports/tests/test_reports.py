"""Every report figure equals the dashboard's; the generated files carry them."""

from __future__ import annotations

import io
import subprocess

import pytest
from docx import Document
from openpyxl import load_workbook

from cchc.indices.periods import parse_period
from cchc.indices.selectors import index_dashboard
from cchc.reports.data import previous_period, report_data
from cchc.reports.render import to_docx, to_pdf, to_xlsx

pytestmark = pytest.mark.django_db


def test_half_year_and_previous_periods():
    h1 = parse_period("2024-H1")
    assert (str(h1.first_day), str(h1.last_day)) == ("2024-01-01", "2024-06-30")
    assert previous_period(h1).label == "2023-H2"
    assert previous_period(parse_period("2024-Q1")).label == "2023-Q4"
    assert previous_period(parse_period("2024-01")).label == "2023-12"
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        parse_period("2024-H3")


def test_report_figures_equal_dashboard(world):
    period = parse_period("2026-11")
    data = report_data(unit=world.commune, period=period)
    from cchc.accounts.models import Role
    from cchc.dossiers.tests.factories import grant, make_user

    chairman = make_user(full_name="Chủ tịch")
    grant(chairman, Role.CHAIRMAN, world.commune)
    dash = index_dashboard(user=chairman, unit=world.commune, period=period)
    assert data.index.as_json() == dash.result.as_json()
    assert data.index.percent == dash.result.percent
    assert [v for _, v in data.trend] == [m.percent for m in dash.trend]
    assert [(r.unit.pk, r.percent) for r in data.ranking] == [
        (r.unit.pk, r.percent) for r in dash.ranking
    ]
    on_time = dash.result.criterion("DOSSIER_ON_TIME")
    assert data.totals.received == dash.result.dossiers == 3
    assert data.totals.on_time == on_time.numerator
    assert data.totals.late == on_time.denominator - on_time.numerator
    assert data.totals.finished == 1 and data.totals.pending == 2
    for rate in data.rates:
        c = dash.result.criterion(rate.code)
        assert (rate.numerator, rate.denominator) == (c.numerator, c.denominator)
    # Per child unit: the ranking's on-time numerator is the report's "on time".
    by_name = {c.name: c for c in data.by_unit}
    for r in dash.ranking:
        crit = r.result.criterion("DOSSIER_ON_TIME")
        assert by_name[r.unit.name].received == r.result.dossiers
        assert by_name[r.unit.name].on_time == crit.numerator
    assert data.apologies == 1
    assert sum(c.received for c in data.by_sector) == 3


def test_docx_has_official_header_and_figures(world):
    data = report_data(unit=world.commune, period=parse_period("2026-11"))
    doc = Document(io.BytesIO(to_docx(data, recipients=["Văn phòng UBND tỉnh"])))
    head = doc.tables[0]
    text = "\n".join(c.text for row in head.rows for c in row.cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert world.commune.name.upper() in text
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "BÁO CÁO" in body
    assert "tháng 11 năm 2026" in body
    assert "tiếp nhận 3 hồ sơ" in body
    # The per-unit table: header then one row per child unit with its counts.
    unit_table = doc.tables[1]
    rows = [[c.text for c in r.cells] for r in unit_table.rows]
    assert rows[0][0] == "Đơn vị"
    one_stop = next(r for r in rows if r[0] == world.one_stop.name)
    assert one_stop[1] == "3"
    sign = doc.tables[-1]
    assert "Văn phòng UBND tỉnh" in sign.rows[0].cells[0].text
    assert doc.inline_shapes  # the trend chart


def test_xlsx_annex_rows(world):
    data = report_data(unit=world.commune, period=parse_period("2026-11"))
    wb = load_workbook(io.BytesIO(to_xlsx(data)))
    assert "Theo đơn vị" in wb.sheetnames and "Chỉ số 766" in wb.sheetnames
    rows = list(wb["Tổng hợp"].iter_rows(min_row=5, values_only=True))
    assert rows[0] == (world.commune.name, 3, 1, data.totals.on_time, data.totals.late, 2)
    idx = {r[0]: r for r in wb["Chỉ số 766"].iter_rows(min_row=5, values_only=True)}
    c = data.index.criterion("DOSSIER_ON_TIME")
    assert idx["DOSSIER_ON_TIME"][2:4] == (c.numerator, c.denominator)


def test_pdf_text(world, tmp_path):
    data = report_data(unit=world.commune, period=parse_period("2026-11"))
    path = tmp_path / "r.pdf"
    path.write_bytes(to_pdf(data))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Kết quả công tác cải cách hành chính tháng 11 năm 2026" in text
    assert "tiếp nhận 3 hồ sơ" in text
    assert "năm 2026" in text and "2.026" not in text


def test_cli_writes_docx(world, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "r.docx"
    call_command("report", unit=world.commune.code, period="2026-11", format="docx", out=str(out))
    assert "BÁO CÁO" in "\n".join(p.text for p in Document(str(out)).paragraphs)


def test_proposals_and_weaknesses_come_from_their_selectors(world):
    from cchc.reforms import services as reforms
    from cchc.reforms.selectors import proposal_cost

    p = reforms.proposal_create(
        actor=world.leader,
        unit=world.department,
        procedure=world.procedure,
        title="Bỏ bản sao giấy khai sinh",
        hours=4,
        income_per_hour=30000,
        income_source="Tổng cục Thống kê 2025",
        subjects_per_year=1000,
        fees=10000,
    )
    reforms.proposal_item_add(
        actor=world.leader, proposal=p, kind="drop_component", target="Bản sao", hours_saved=1
    )
    period = parse_period("2026-11")
    data = report_data(unit=world.commune, period=period)
    [row] = data.proposals
    assert row.title == "Bỏ bản sao giấy khai sinh"
    assert row.saving_per_year == proposal_cost(p).reduction.per_year > 0
    from cchc.accounts.models import Role
    from cchc.dossiers.tests.factories import grant, make_user

    chairman = make_user(full_name="Chủ tịch")
    grant(chairman, Role.CHAIRMAN, world.commune)
    dash = index_dashboard(user=chairman, unit=world.commune, period=period)
    assert [w.criterion for w in data.weaknesses] == [c.code for c in dash.losses][:3]
    doc = Document(io.BytesIO(to_docx(data)))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "Bỏ bản sao giấy khai sinh" in cells


def test_report_data_query_count_does_not_grow_with_dossiers(world, django_assert_max_num_queries):
    from cchc.dossiers.tests.factories import receive

    period = parse_period("2026-11")
    # Dossiers, directives, training/outreach (4), floor (2), and the database criteria the
    # dashboard also reads (cchc.indices.sources: per request for its unbatched sources:
    # period, previous, 3 children, 11 months). None grows with the dossiers.
    with django_assert_max_num_queries(60) as ctx:
        report_data(unit=world.commune, period=period)
    before = len(ctx.captured_queries)
    for _ in range(3):
        receive(world)
    with django_assert_max_num_queries(before):
        report_data(unit=world.commune, period=period)


def test_report_data_reads_the_children_in_a_fixed_number_of_queries(world):
    """Ranking and per-unit counts group the facts by child in Python: three more child
    units (was one read each) read nothing more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cchc.dossiers.tests.factories import make_unit

    period = parse_period("2026-11")

    def reads() -> int:
        with CaptureQueriesContext(connection) as ctx:
            data = report_data(unit=world.commune, period=period)
        return len(ctx.captured_queries), len(data.by_unit)

    report_data(unit=world.commune, period=period)  # warm the caches (calendars)
    before, units = reads()
    for n in range(3):
        make_unit(f"Phòng mới {n}", world.department.kind, parent=world.commune)
    assert reads() == (before, units + 3)


def test_directive_tasks_equal_the_tracker_summary(world):
    import datetime as dt

    from cchc.accounts.models import Role
    from cchc.directives.selectors import tasks_on_time_summary
    from cchc.directives.services import task_create
    from cchc.dossiers.tests.factories import grant, make_user

    chairman = make_user(full_name="Chủ tịch")
    grant(chairman, Role.CHAIRMAN, world.commune)
    task_create(
        actor=chairman, unit=world.commune, text="Nâng tỷ lệ số hóa", deadline=dt.date(2026, 12, 1)
    )
    data = report_data(unit=world.commune, period=parse_period("2026-11"))
    summary = tasks_on_time_summary(unit=world.commune, year=2026)
    assert data.directives["due"] == summary["due"] == 1
    assert data.directives["done_on_time"] == summary["done_on_time"] == 0
    assert data.directives["not_on_time"] == 1


def test_satisfaction_and_complaints(world):
    from cchc.dossiers import services

    done = world.extra["done"]
    services.dossier_rate(actor=world.officer, dossier=done, rating="dissatisfied")
    data = report_data(unit=world.commune, period=parse_period("2026-11"))
    assert data.satisfaction["rated"] == 1 and data.satisfaction["dissatisfied"] == 1
    c = data.index.criterion("DOSSIER_RECEIVING_SATISFACTION")
    rate = next(r for r in data.rates if r.code == "DOSSIER_RECEIVING_SATISFACTION")
    assert (rate.numerator, rate.denominator) == (c.numerator, c.denominator)
    assert c.numerator == 0  # the only on-time dossier was rated "not satisfied"
