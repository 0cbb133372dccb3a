import datetime as dt

import pytest

from cchc.calendars import selectors
from cchc.calendars.models import CalendarException, OfficeHours

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, make_user):
    client.force_login(make_user(superuser=True))
    return client


def test_admin_add_exception_goes_through_the_service(admin_client_):
    assert selectors.calendar_for_unit().is_working_day(dt.date(2024, 3, 8))
    response = admin_client_.post(
        "/admin/calendars/calendarexception/add/",
        {"date": "2024-03-08", "kind": "day_off", "name": "Nghỉ đột xuất", "legal_basis": "QĐ 1"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CalendarException.objects.get(date=dt.date(2024, 3, 8)).name == "Nghỉ đột xuất"
    assert not selectors.calendar_for_unit().is_working_day(dt.date(2024, 3, 8))


def test_admin_change_date_moves_the_exception(admin_client_):
    row = CalendarException.objects.get(date=dt.date(2026, 1, 2))
    response = admin_client_.post(
        f"/admin/calendars/calendarexception/{row.pk}/change/",
        {"date": "2026-01-05", "kind": "day_off", "name": row.name, "legal_basis": row.legal_basis},
    )
    assert response.status_code == 302
    assert not CalendarException.objects.filter(date=dt.date(2026, 1, 2)).exists()
    assert CalendarException.objects.filter(date=dt.date(2026, 1, 5)).exists()


def test_admin_delete_exception(admin_client_):
    row = CalendarException.objects.get(date=dt.date(2026, 1, 10))
    response = admin_client_.post(
        f"/admin/calendars/calendarexception/{row.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not selectors.calendar_for_unit().is_working_day(dt.date(2026, 1, 10))


def test_admin_lists_in_vietnamese(admin_client_):
    page = admin_client_.get("/admin/calendars/calendarexception/").content.decode()
    assert "ngày nghỉ/làm bù đặc biệt" in page.lower()
    assert "12729/VPCP-KGVX" in page


def test_admin_add_default_office_hours(admin_client_):
    response = admin_client_.post(
        "/admin/calendars/officehours/add/",
        {
            "morning_start": "08:00",
            "morning_end": "12:00",
            "afternoon_start": "13:00",
            "afternoon_end": "17:00",
            "receipt_cutoff": "16:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert OfficeHours.objects.get(unit=None).receipt_cutoff == dt.time(16, 0)
    assert selectors.office_hours_for_unit().morning_start == dt.time(8, 0)
