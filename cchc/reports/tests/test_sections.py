"""The floor, training/outreach and directive sections, and the snapshot time, read back
from the generated files (DOCX, PDF, XLSX) and compared with the dashboards' selectors:
the floor figures page (`floor_figures`), the community overview of cchc.reforms, the
index dashboard, the directive tracker's summary and the chairman's directive board."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from dataclasses import dataclass

import pytest
from django.utils import translation
from docx import Document
from openpyxl import load_workbook

from cchc.accounts.models import Role
from cchc.dossiers.tests.factories import grant, make_user
from cchc.floor import services as floor_services
from cchc.floor.selectors import floor_figures
from cchc.floor.tests.conftest import make_floor
from cchc.indices.periods import parse_period
from cchc.indices.selectors import index_dashboard
from cchc.reports.data import report_data
from cchc.reports.render import to_docx, to_html, to_pdf, to_xlsx

pytestmark = pytest.mark.django_db


def _docx_text(doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def _table_after(doc, heading: str):
    """The first table after the paragraph `heading` (python-docx keeps body order)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    seen = False
    for el in doc.element.body.iterchildren():
        if el.tag.endswith("}p") and Paragraph(el, doc).text.strip() == heading:
            seen = True
        elif seen and el.tag.endswith("}tbl"):
            return [[c.text for c in row.cells] for row in Table(el, doc).rows]
    raise AssertionError(f"no table after {heading!r}")


def _sheet(wb, name: str) -> list[tuple]:
    return list(wb[name].iter_rows(min_row=5, values_only=True))


def _docx(data):
    """The Word report of `data`, opened."""
    return Document(io.BytesIO(to_docx(data)))


def _pdf_text(data, tmp_path) -> str:
    """The PDF report's text, runs of white space made one space (layout breaks lines)."""
    path = tmp_path / "r.pdf"
    path.write_bytes(to_pdf(data))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(text.split())


@dataclass
class Visits:
    floor: object


@pytest.fixture
def visits(world, clock):
    """Three tickets on Tuesday 17/11/2026 at the commune's one-stop centre: waits 10 and
    20 minutes, services 5 and 15, one abandoned; ratings very satisfied + dissatisfied."""
    floor = make_floor(world)
    one_stop, officer = world.one_stop, world.officer
    for wait, serve, value in ((10, 5, "very_satisfied"), (20, 15, "dissatisfied")):
        floor_services.ticket_take(unit=one_stop, sector=floor.civil)
        clock.advance(minutes=wait)
        t = floor_services.counter_call_next(actor=officer, counter=floor.counter_1)
        floor_services.ticket_start_service(actor=officer, ticket=t)
        clock.advance(minutes=serve)
        floor_services.ticket_finish(actor=officer, ticket=t)
        floor_services.rating_submit(
            counter=floor.counter_1, ticket=t, value=value, reason="Chờ lâu"
        )
    floor_services.ticket_take(unit=one_stop, sector=floor.land)
    t = floor_services.counter_call_next(actor=officer, counter=floor.counter_2)
    floor_services.ticket_abandon(actor=officer, ticket=t)
    return Visits(floor)


def test_floor_section_in_every_format_equals_the_floor_figures(visits, world, tmp_path):
    period = parse_period("2026-11")
    data = report_data(unit=world.commune, period=period)
    page = floor_figures(unit=world.commune, period=period)  # what the floor page shows
    assert (
        (data.floor.total.tickets, data.floor.total.served, data.floor.total.abandoned)
        == (
            page.total.tickets,
            page.total.served,
            page.total.abandoned,
        )
        == (3, 2, 1)
    )
    assert page.total.avg_wait_minutes == 10.0  # (10 + 20 + 0) / 3
    assert page.total.avg_service_minutes == 10.0

    doc = _docx(data)
    text = _docx_text(doc)
    assert "IV. BỘ PHẬN MỘT CỬA: THỜI GIAN CHỜ, PHỤC VỤ, ĐÁNH GIÁ" in text
    assert "có 3 lượt lấy số thứ tự; đã phục vụ 2 lượt; bỏ lượt 1" in text
    assert "thời gian chờ trung bình 10,0 phút" in text
    assert "2 lượt đánh giá tại quầy, hài lòng 50,0%" in text
    by_counter = _table_after(doc, "1. Theo quầy")
    assert by_counter[0][0] == "Quầy"
    row = next(r for r in by_counter if r[0].endswith("Quầy 1"))
    assert row[1:] == ["2", "2", "0", "15,0", "10,0", "2", "50,0"]
    by_officer = _table_after(doc, "2. Theo công chức")
    assert [r[0] for r in by_officer[1:]] == [world.officer.full_name]

    pdf = _pdf_text(data, tmp_path)
    assert "BỘ PHẬN MỘT CỬA: THỜI GIAN CHỜ, PHỤC VỤ, ĐÁNH GIÁ" in pdf
    assert "chờ trung bình 10,0 phút" in pdf

    wb = load_workbook(io.BytesIO(to_xlsx(data)))
    total = _sheet(wb, "Một cửa - tổng hợp")[0]
    assert total[:4] == ("Tổng", 3, 2, 1)
    assert total[4:] == (10.0, 10.0, 2, 50.0)
    counters = {r[0]: r for r in _sheet(wb, "Một cửa - theo quầy")}
    assert {k: v[1:4] for k, v in counters.items()} == {
        s.label: (s.tickets, s.served, s.abandoned) for s in page.by_counter
    }
    hours = _sheet(wb, "Một cửa - theo giờ")
    assert [r[0] for r in hours] == [s.label for s in page.by_hour]


@pytest.fixture
def community(world):
    """Training and outreach of the commune's department: one session and one activity in
    November 2026, one of each outside it."""
    from cchc.reforms import services as reforms

    leader = world.leader  # UNIT_LEADER of the department: REPORT_VIEW there
    reforms.training_session_create(
        actor=leader,
        unit=world.department,
        topic="Lập hồ sơ công việc điện tử",
        held_on=dt.date(2026, 11, 10),
        participants=[world.specialist, world.specialist_2, leader],
        absent=[world.specialist_2],
        trainers="Sở Nội vụ",
    )
    reforms.training_session_create(
        actor=leader,
        unit=world.department,
        topic="Dịch vụ công trực tuyến",
        held_on=dt.date(2026, 10, 5),
        participants=[world.specialist_2],
    )
    reforms.outreach_create(
        actor=leader,
        unit=world.department,
        kind="meeting",
        title="Họp dân về dịch vụ công trực tuyến",
        held_on=dt.date(2026, 11, 12),
        reach=1189,  # a figure with thousands: "1.189" in the documents
    )
    reforms.outreach_create(
        actor=leader,
        unit=world.department,
        kind="social",
        title="Bài đăng Zalo",
        held_on=dt.date(2026, 12, 1),
        reach=900,
    )


def test_training_and_outreach_in_every_format(world, community, tmp_path):
    data = report_data(unit=world.commune, period=parse_period("2026-11"))
    t = data.training
    assert (len(t.sessions), t.invited, t.present, t.trained_people) == (1, 3, 2, 2)
    assert (len(t.outreach), t.reach) == (1, 1189)

    doc = _docx(data)
    text = _docx_text(doc)
    assert "VIII. ĐÀO TẠO, BỒI DƯỠNG VÀ THÔNG TIN, TUYÊN TRUYỀN" in text
    assert "Tổ chức 1 lớp tập huấn, bồi dưỡng; triệu tập 3 lượt, có mặt 2 lượt" in text
    assert "(2 người được tập huấn)" in text
    assert "Thực hiện 1 hoạt động thông tin, tuyên truyền, tiếp cận 1.189 lượt người" in text
    sessions = _table_after(doc, "1. Tập huấn, bồi dưỡng")
    assert sessions[1:] == [
        ["10/11/2026", "Lập hồ sơ công việc điện tử", world.department.name, "3", "2"]
    ]
    outreach = _table_after(doc, "2. Thông tin, tuyên truyền")
    assert outreach[1][2:] == ["Họp dân về dịch vụ công trực tuyến", world.department.name, "1.189"]

    pdf = _pdf_text(data, tmp_path)
    assert "ĐÀO TẠO, BỒI DƯỠNG VÀ THÔNG TIN, TUYÊN TRUYỀN" in pdf
    assert "Lập hồ sơ công việc điện tử" in pdf and "Bài đăng Zalo" not in pdf
    assert "tiếp cận 1.189 lượt người" in pdf
    with translation.override("en"):  # a job run in English still writes "1.189", not "1,189"
        assert "tiếp cận 1.189 lượt người" in to_html(data)

    wb = load_workbook(io.BytesIO(to_xlsx(data)))
    rows = _sheet(wb, "Tập huấn")
    assert rows[0][1:] == ("Lập hồ sơ công việc điện tử", world.department.name, 3, 2)
    assert rows[-1] == ("Số người được tập huấn", None, None, None, 2)
    out = _sheet(wb, "Tuyên truyền")
    assert out[-1][-1] == 1189 and len(out) == 2  # a number in the sheet


def test_year_report_training_equals_the_community_overview(world, community):
    """Over a year the report's training and outreach figures are the reforms screen's."""
    from cchc.reforms.selectors import community_overview

    viewer = make_user()
    grant(viewer, Role.CHAIRMAN, world.commune, include_subtree=True)
    overview = community_overview(user=viewer, year=2026)
    t = report_data(unit=world.commune, period=parse_period("2026")).training
    assert len(t.sessions) == len(overview.sessions) == 2
    assert t.present == sum(s.present for s in overview.sessions)
    assert t.invited == sum(s.invited for s in overview.sessions)
    assert (len(t.outreach), t.reach) == (len(overview.outreach), overview.reach) == (2, 2089)


def test_xlsx_figures_equal_the_dashboards(world, visits, clock):
    """The annex as delivered (not the data object): index, dossier counts and directive
    figures equal the index dashboard, the directive tracker and the chairman's board."""
    from cchc.directives.selectors import chairman_overview, tasks_on_time_summary
    from cchc.directives.services import task_create

    chairman = make_user(full_name="Chủ tịch")
    grant(chairman, Role.CHAIRMAN, world.commune)
    task_create(
        actor=chairman, unit=world.commune, text="Số hóa kết quả", deadline=dt.date(2026, 11, 16)
    )
    task_create(
        actor=chairman, unit=world.commune, text="Rà soát TTHC", deadline=dt.date(2026, 12, 20)
    )
    period = parse_period("2026-11")
    wb = load_workbook(io.BytesIO(to_xlsx(report_data(unit=world.commune, period=period))))
    dash = index_dashboard(user=chairman, unit=world.commune, period=period)

    idx = {r[0]: r for r in _sheet(wb, "Chỉ số 766")}
    assert idx["TOTAL"][4] == float(round(dash.result.percent, 2))
    for code in ("DOSSIER_ON_TIME", "ONLINE_DOSSIERS", "DOSSIER_RECEIVING_SATISFACTION"):
        c = dash.result.criterion(code)
        assert idx[code][2:4] == (c.numerator, c.denominator)
    on_time = dash.result.criterion("DOSSIER_ON_TIME")
    total = _sheet(wb, "Tổng hợp")[0]
    assert total[1] == dash.result.dossiers
    assert total[3] == on_time.numerator and total[4] == on_time.denominator - on_time.numerator
    by_unit = {r[0]: r for r in _sheet(wb, "Theo đơn vị")}
    for r in dash.ranking:
        assert by_unit[r.unit.name][1] == r.result.dossiers
        assert by_unit[r.unit.name][3] == r.result.criterion("DOSSIER_ON_TIME").numerator

    tasks = dict(_sheet(wb, "Nhiệm vụ"))
    summary = tasks_on_time_summary(unit=world.commune, year=2026)
    [board] = [
        r for r in chairman_overview(actor=chairman, year=2026) if r.unit_id == world.commune.pk
    ]
    assert tasks["Đến hạn"] == summary["due"] == board.total == 2
    assert tasks["Hoàn thành đúng hạn"] == summary["done_on_time"] == board.done_on_time == 0
    # The first task's deadline (end of 16/11) has passed at the snapshot (17/11 08:xx).
    assert tasks["Quá hạn chưa hoàn thành"] == board.overdue == 1


def test_report_records_the_snapshot_time_in_every_format(world, clock, tmp_path):
    period = parse_period("2026-11")
    data = report_data(unit=world.commune, period=period)
    assert data.snapshot_at == clock.now  # the time the figures were read
    stamp = "08:00 ngày 17/11/2026"
    assert f"Số liệu tổng hợp lúc {stamp}" in _docx_text(_docx(data))
    assert f"Số liệu tổng hợp lúc {stamp}" in _pdf_text(data, tmp_path)
    wb = load_workbook(io.BytesIO(to_xlsx(data)))
    for name in ("Tổng hợp", "Một cửa - tổng hợp", "Tập huấn"):
        assert wb[name]["A3"].value == "Số liệu lúc 08:00 17/11/2026"


def test_initiatives_in_every_format_equal_the_community_overview(world, clock, tmp_path):
    from cchc.reforms import services as reforms
    from cchc.reforms.selectors import community_overview

    chairman = make_user()
    grant(chairman, Role.CHAIRMAN, world.commune, include_subtree=True)
    first = reforms.initiative_submit(
        actor=world.leader, unit=world.department, title="Trả kết quả qua Zalo OA"
    )
    reforms.initiative_submit(actor=world.leader, unit=world.department, title="Phiếu hẹn QR")
    reforms.initiative_review(actor=chairman, initiative=first, status="recognised")
    data = report_data(unit=world.commune, period=parse_period("2026-11"))
    assert [r.title for r in data.initiatives] == ["Trả kết quả qua Zalo OA", "Phiếu hẹn QR"]
    assert len(data.initiatives) == len(community_overview(user=chairman, year=2026).initiatives)

    doc = _docx(data)
    assert "Sáng kiến, giải pháp đăng ký trong kỳ: 2; được công nhận: 1; đã áp dụng: 0." in (
        _docx_text(doc)
    )
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "Phiếu hẹn QR" in cells and "Được công nhận" in cells
    assert "được công nhận: 1" in _pdf_text(data, tmp_path)
    wb = load_workbook(io.BytesIO(to_xlsx(data)))
    rows = {r[0]: r for r in _sheet(wb, "Sáng kiến")}
    assert rows["Được công nhận"][1] == 1 and rows["Đã áp dụng"][1] == 0
