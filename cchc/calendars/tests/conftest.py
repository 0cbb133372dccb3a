import datetime as dt
import importlib

import pytest

from cchc.calendars.selectors import calendar_cache_clear
from cchc.calendars.workdays import WorkCalendar, vietnam_calendar

TZ = dt.timezone(dt.timedelta(hours=7))

_shipped = importlib.import_module(
    "cchc.calendars.migrations.0002_civil_service_exceptions_2024_2026"
)
SHIPPED_DAYS_OFF = {d: n for d, kind, n, _ in _shipped.EXCEPTIONS if kind == "day_off"}
SHIPPED_WORKDAYS = {d: n for d, kind, n, _ in _shipped.EXCEPTIONS if kind == "workday"}


def official() -> WorkCalendar:
    """The civil-service calendar as shipped: package + the data-migration exceptions."""
    return vietnam_calendar(
        day_off_exceptions=SHIPPED_DAYS_OFF, workday_exceptions=SHIPPED_WORKDAYS
    )


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> dt.datetime:
    """A local (UTC+7) instant."""
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.fixture
def cal() -> WorkCalendar:
    return official()


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    calendar_cache_clear()
    yield
    calendar_cache_clear()


@pytest.fixture
def make_unit(db):
    from cchc.units.models import Unit, UnitKind

    counter = iter(range(1, 10_000))

    def _make(parent=None, kind=UnitKind.PEOPLES_COMMITTEE, code=None):
        n = next(counter)
        unit = Unit.objects.create(
            code=code or f"CAL{n}", name=f"Đơn vị {n}", kind=kind, parent=parent
        )
        unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
        unit.depth = unit.path.count("/") - 2
        unit.save(update_fields=["path", "depth"])
        return unit

    return _make


@pytest.fixture
def make_user(db):
    from cchc.accounts.models import RoleAssignment, User

    counter = iter(range(1, 10_000))

    def _make(role=None, unit=None, superuser=False, include_subtree=False):
        n = next(counter)
        user = User.objects.create_user(
            username=f"cal{n}", password="x", is_superuser=superuser, is_staff=superuser
        )
        if role is not None:
            RoleAssignment.objects.create(
                user=user, role=role, unit=unit, include_subtree=include_subtree
            )
        return user

    return _make
