import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from cchc.documents import selectors
from cchc.documents.forms import tracking_book_pdf, tracking_book_xlsx
from cchc.documents.tests.conftest import pdf_fonts, pdf_text, requires_poppler
from cchc.dossiers.tests.factories import applicant_data, drive_to, receive

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 16)


def _book(world, clock, n=3):
    dossiers = []
    for i in range(n):
        d = receive(world, applicant=applicant_data(name=f"Trần Văn Ất {i}"))
        clock.advance(minutes=30)
        dossiers.append(drive_to(world, d, "returned" if i == 0 else "at_department"))
    return dossiers


def test_rows_in_two_queries_whatever_the_number(world, clock, django_assert_num_queries):
    _book(world, clock, n=2)
    with django_assert_num_queries(2):
        few = selectors.tracking_book_rows(unit=world.one_stop, start=DAY, end=DAY)
    _book(world, clock, n=4)
    with django_assert_num_queries(2):
        many = selectors.tracking_book_rows(unit=world.one_stop, start=DAY, end=DAY)
    assert len(few) == 2 and len(many) == 6
    assert [r.number for r in many] == list(range(1, 7))
    assert many[1].forwarded_to == "Phòng Văn hóa - Xã hội"


def test_range_is_by_local_date_of_receipt(world, clock):
    _book(world, clock, n=1)
    assert selectors.tracking_book_rows(unit=world.one_stop, start=DAY, end=DAY)
    assert not selectors.tracking_book_rows(
        unit=world.one_stop, start=DAY + dt.timedelta(days=1), end=DAY + dt.timedelta(days=2)
    )
    assert not selectors.tracking_book_rows(unit=world.other_commune_one_stop, start=DAY, end=DAY)


def test_xlsx_has_the_columns_and_real_dates(world, clock):
    dossiers = _book(world, clock)
    wb = load_workbook(io.BytesIO(tracking_book_xlsx(unit=world.one_stop, start=DAY, end=DAY)))
    ws = wb.active
    assert ws.title == "Sổ theo dõi hồ sơ"
    assert ws["A4"].value == "SỔ THEO DÕI HỒ SƠ"
    assert ws["A5"].value == "Từ ngày 16/11/2026 đến ngày 16/11/2026"
    headers = [c.value for c in ws[7]]
    assert headers[:3] == ["STT", "Mã hồ sơ", "Tên thủ tục hành chính"]
    assert "Hẹn trả kết quả" in headers
    first = [c.value for c in ws[8]]
    assert first[1] == dossiers[0].code
    assert first[4] == "Trần Văn Ất 0"
    received = first[headers.index("Nhận hồ sơ")]
    assert received == dt.datetime(2026, 11, 16, 8, 0)  # local wall-clock time
    assert ws.cell(row=8, column=headers.index("Nhận hồ sơ") + 1).number_format == (
        "dd/mm/yyyy hh:mm"
    )
    assert first[headers.index("Trả kết quả")] is not None
    assert ws.max_row == 7 + 3


@requires_poppler
def test_pdf_lists_every_dossier_with_embedded_fonts(world, clock, tmp_path):
    dossiers = _book(world, clock)
    pdf = tracking_book_pdf(unit=world.one_stop, start=DAY, end=DAY)
    text = " ".join(pdf_text(pdf, tmp_path).split())
    assert "SỔ THEO DÕI HỒ SƠ" in text and "Mẫu số 07" in text
    for d in dossiers:
        assert d.code in text
    assert "Trần Văn Ất 2" in text and "16/11/2026" in text
    assert "no " not in pdf_fonts(pdf, tmp_path).split("\n", 2)[2]


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("31/02/2026", "", "from"),
        ("2026-11-20", "2026-11-01", "to"),
        ("01/01/2025", "01/06/2026", "to"),
        ("hôm qua", None, "from"),
    ],
)
def test_bad_ranges_are_refused_in_vietnamese(start, end, field):
    with pytest.raises(ValidationError) as exc:
        selectors.parse_book_range(start, end)
    assert field in exc.value.message_dict


def test_range_formats(clock):
    assert selectors.parse_book_range("01/11/2026", "2026-11-30") == (
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 30),
    )
    assert selectors.parse_book_range(None, "") == (DAY, DAY)
