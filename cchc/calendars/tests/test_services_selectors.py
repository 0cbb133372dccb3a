import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.accounts.models import Role
from cchc.calendars import selectors, services
from cchc.calendars.models import CalendarException, CalendarExceptionKind, OfficeHours
from cchc.calendars.workdays import OfficeHoursSpec, TimeUnit

from .conftest import SHIPPED_DAYS_OFF, at
from .test_workdays_examples import OFFICIAL_MAKE_UP_SATURDAYS, OFFICIAL_WEEKDAYS_OFF

pytestmark = pytest.mark.django_db
D = dt.date
HOURS = {
    "morning_start": dt.time(8, 0),
    "morning_end": dt.time(12, 0),
    "afternoon_start": dt.time(13, 0),
    "afternoon_end": dt.time(17, 0),
    "receipt_cutoff": dt.time(11, 0),
}


def test_data_migration_ships_the_2026_new_year_swap_with_its_legal_basis():
    rows = {e.date: e for e in CalendarException.objects.all()}
    assert rows[D(2026, 1, 2)].kind == CalendarExceptionKind.DAY_OFF
    assert rows[D(2026, 1, 10)].kind == CalendarExceptionKind.WORKDAY
    assert all("12729/VPCP-KGVX" in e.legal_basis for e in rows.values())
    assert set(SHIPPED_DAYS_OFF) <= set(rows)


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_calendar_from_the_database_matches_the_official_year(year):
    cal = selectors.calendar_for_unit()
    assert [d for d, _ in cal.days_off_in_year(year)] == OFFICIAL_WEEKDAYS_OFF[year]
    assert [d for d, _ in cal.extra_workdays_in_year(year)] == OFFICIAL_MAKE_UP_SATURDAYS[year]


def test_calendar_for_unit_costs_two_queries(django_assert_num_queries, make_unit):
    unit = make_unit()
    selectors.calendar_for_unit(unit=unit)  # warm
    with django_assert_num_queries(2):
        cal = selectors.calendar_for_unit(unit=unit)
    assert not cal.is_working_day(D(2026, 1, 2))


def test_calendars_for_many_units_cost_two_queries(django_assert_num_queries, make_unit):
    root = make_unit()
    units = [make_unit(parent=root) for _ in range(5)]
    OfficeHours.objects.create(unit=root, **HOURS)
    selectors.calendar_for_unit()  # warm the exception cache
    with django_assert_num_queries(2):
        cals = selectors.calendars_for_units(units=units)
    assert {c.hours.receipt_cutoff for c in cals.values()} == {dt.time(11, 0)}


def test_year_overview(django_assert_num_queries):
    selectors.calendar_for_unit()
    with django_assert_num_queries(3):
        overview = selectors.year_overview(year=2026)
    off = {row.date: row for row in overview.days_off}
    assert "12729/VPCP-KGVX" in off[D(2026, 1, 2)].legal_basis
    assert off[D(2026, 11, 24)].name == "Ngày Văn hóa Việt Nam"
    assert off[D(2026, 11, 24)].legal_basis == ""  # from the package
    assert [row.date for row in overview.workdays] == [D(2026, 1, 10), D(2026, 8, 22)]


# --- Office hours: nearest ancestor, default row, built-in defaults -------------------


def test_office_hours_resolution(make_unit):
    province = make_unit()
    commune = make_unit(parent=province)
    centre = make_unit(parent=commune)
    assert selectors.office_hours_for_unit(unit=centre) == OfficeHoursSpec()

    OfficeHours.objects.create(unit=None, **{**HOURS, "receipt_cutoff": dt.time(16, 0)})
    assert selectors.office_hours_for_unit(unit=centre).receipt_cutoff == dt.time(16, 0)
    assert selectors.office_hours_for_unit().receipt_cutoff == dt.time(16, 0)

    OfficeHours.objects.create(unit=province, **{**HOURS, "receipt_cutoff": dt.time(15, 0)})
    OfficeHours.objects.create(unit=commune, **{**HOURS, "receipt_cutoff": dt.time(14, 0)})
    assert selectors.office_hours_for_unit(unit=centre).receipt_cutoff == dt.time(14, 0)
    assert selectors.office_hours_for_unit(unit=province).receipt_cutoff == dt.time(15, 0)
    other = make_unit()
    assert selectors.office_hours_for_unit(unit=other).receipt_cutoff == dt.time(16, 0)


def test_only_one_default_row():
    from django.db import IntegrityError, transaction

    OfficeHours.objects.create(unit=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficeHours.objects.create(unit=None)


def test_office_hours_row_must_be_ordered():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        OfficeHours.objects.create(unit=None, morning_start=dt.time(12, 0))


# --- Exceptions through the service: permission, validation, cache ----------------------


def test_superuser_sets_exception_and_calendar_sees_it(make_user):
    admin = make_user(superuser=True)
    day = D(2024, 3, 8)
    assert selectors.calendar_for_unit().is_working_day(day)
    services.calendar_exception_set(
        actor=admin, date=day, kind="day_off", name="Nghỉ đột xuất", legal_basis="QĐ 1/2024"
    )
    assert not selectors.calendar_for_unit().is_working_day(day)
    # Replacing the same date flips it back (one row per date).
    services.calendar_exception_set(
        actor=admin, date=day, kind="workday", name="Làm việc", legal_basis="QĐ 2/2024"
    )
    assert CalendarException.objects.filter(date=day).count() == 1
    assert selectors.calendar_for_unit().is_working_day(day)
    services.calendar_exception_delete(actor=admin, date=day)
    assert not CalendarException.objects.filter(date=day).exists()


def test_workday_exception_cancels_a_package_holiday(make_user):
    admin = make_user(superuser=True)
    services.calendar_exception_set(
        actor=admin, date=D(2024, 4, 18), kind="workday", name="Làm việc", legal_basis="x"
    )
    cal = selectors.calendar_for_unit()
    assert cal.is_working_day(D(2024, 4, 18))
    assert D(2024, 4, 18) not in [d for d, _ in cal.days_off_in_year(2024)]


def test_system_admin_of_any_unit_may_manage_exceptions(make_user, make_unit):
    unit = make_unit()
    sysadmin = make_user(role=Role.SYSTEM_ADMIN, unit=unit)
    services.calendar_exception_set(
        actor=sysadmin, date=D(2024, 3, 8), kind="day_off", name="Nghỉ", legal_basis="x"
    )
    assert CalendarException.objects.filter(date=D(2024, 3, 8)).exists()


@pytest.mark.parametrize("role", [None, Role.SPECIALIST, Role.CHAIRMAN])
def test_others_may_not_manage_exceptions(make_user, make_unit, role):
    user = make_user(role=role, unit=make_unit() if role else None)
    with pytest.raises(PermissionDenied):
        services.calendar_exception_set(
            actor=user, date=D(2024, 3, 8), kind="day_off", name="Nghỉ", legal_basis="x"
        )
    with pytest.raises(PermissionDenied):
        services.calendar_exception_delete(actor=user, date=D(2026, 1, 2))
    assert not CalendarException.objects.filter(date=D(2024, 3, 8)).exists()
    assert CalendarException.objects.filter(date=D(2026, 1, 2)).exists()


def test_anonymous_may_not_manage_exceptions():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.calendar_exception_delete(actor=AnonymousUser(), date=D(2026, 1, 2))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"legal_basis": "  "}, "legal_basis"),
        ({"name": ""}, "name"),
        ({"kind": "holiday"}, "kind"),
    ],
)
def test_invalid_exception_changes_nothing(make_user, changes, field):
    admin = make_user(superuser=True)
    before = list(CalendarException.objects.values_list("date", "kind", "name"))
    args = {"date": D(2024, 3, 8), "kind": "day_off", "name": "Nghỉ", "legal_basis": "x"}
    with pytest.raises(ValidationError) as info:
        services.calendar_exception_set(actor=admin, **{**args, **changes})
    assert field in info.value.message_dict
    assert list(CalendarException.objects.values_list("date", "kind", "name")) == before


def test_deleting_a_missing_exception_is_a_validation_error(make_user):
    with pytest.raises(ValidationError) as info:
        services.calendar_exception_delete(actor=make_user(superuser=True), date=D(2024, 3, 8))
    assert info.value.message_dict["date"]


def test_cache_sees_changes_made_outside_the_service():
    cal = selectors.calendar_for_unit()
    assert cal.is_working_day(D(2024, 3, 8))
    CalendarException.objects.create(date=D(2024, 3, 8), kind="day_off", name="x", legal_basis="x")
    assert not selectors.calendar_for_unit().is_working_day(D(2024, 3, 8))
    CalendarException.objects.filter(date=D(2024, 3, 8)).delete()
    assert selectors.calendar_for_unit().is_working_day(D(2024, 3, 8))


def test_cache_is_cleared_on_commit(make_user, django_capture_on_commit_callbacks):
    admin = make_user(superuser=True)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.calendar_exception_set(
            actor=admin, date=D(2024, 3, 8), kind="day_off", name="Nghỉ", legal_basis="x"
        )
    assert callbacks
    assert selectors._cache == {}


# --- Office hours service ------------------------------------------------------------------


def test_office_hours_set_needs_calendar_manage_at_the_unit(make_user, make_unit):
    root = make_unit()
    child = make_unit(parent=root)
    elsewhere = make_unit()
    sysadmin = make_user(role=Role.SYSTEM_ADMIN, unit=root, include_subtree=True)
    services.office_hours_set(actor=sysadmin, unit=child, **HOURS)
    assert selectors.office_hours_for_unit(unit=child).receipt_cutoff == dt.time(11, 0)
    with pytest.raises(PermissionDenied):
        services.office_hours_set(actor=sysadmin, unit=elsewhere, **HOURS)
    # Replacing keeps one row per unit.
    services.office_hours_set(
        actor=sysadmin, unit=child, **{**HOURS, "receipt_cutoff": dt.time(10, 0)}
    )
    assert OfficeHours.objects.filter(unit=child).count() == 1


def test_office_hours_set_validates(make_user):
    admin = make_user(superuser=True)
    with pytest.raises(ValidationError):
        services.office_hours_set(
            actor=admin, unit=None, **{**HOURS, "receipt_cutoff": dt.time(18, 0)}
        )
    assert not OfficeHours.objects.exists()
    services.office_hours_set(actor=admin, unit=None, **HOURS)
    assert selectors.office_hours_for_unit().morning_start == dt.time(8, 0)


# --- deadline_compute ---------------------------------------------------------------------


def test_deadline_compute_uses_the_units_cutoff(make_unit):
    unit = make_unit()
    OfficeHours.objects.create(unit=unit, **HOURS)  # cut-off 11:00, closing 17:00
    due = services.deadline_compute(
        unit=unit, received_at=at(2024, 3, 4, 11, 30), amount=1, time_unit=TimeUnit.WORKING_DAYS
    )
    assert due == at(2024, 3, 6, 17, 0)
    default = services.deadline_compute(
        unit=None, received_at=at(2024, 3, 4, 11, 30), amount=1, time_unit="working_days"
    )
    assert default == at(2024, 3, 5, 17, 0)


def test_deadline_compute_over_the_2026_new_year_swap():
    due = services.deadline_compute(
        unit=None, received_at=D(2025, 12, 31), amount=Decimal(2), time_unit="working_days"
    )
    assert due.date() == D(2026, 1, 6)  # 2/1 off (swap); 5/1, 6/1


@pytest.mark.parametrize(
    ("amount", "time_unit", "field"),
    [(-1, "working_days", "amount"), ("abc", "working_days", "amount"), (1, "weeks", "time_unit"),
     (Decimal("1.5"), "calendar_days", "amount")],
)  # fmt: skip
def test_deadline_compute_rejects_bad_input(amount, time_unit, field):
    with pytest.raises(ValidationError) as info:
        services.deadline_compute(
            unit=None, received_at=at(2024, 3, 4), amount=amount, time_unit=time_unit
        )
    assert field in info.value.message_dict
