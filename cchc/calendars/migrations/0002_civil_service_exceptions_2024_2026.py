"""Exceptions for civil servants 2024–2026 that `holidays` 0.109 lacks or gets wrong.

Checked year by year against the official notices (see docs/decisions/0002):
- 2024 (Tết 8–14/2; 30/4 swap Mon 29/4 <-> Sat 4/5 per CV 2450/VPCP-KGVX; 2/9 + 3/9)
  and 2025 (Tết 27–31/1; 30/4 swap Fri 2/5 <-> Sat 26/4; 2/9 + 1/9 per
  TB 6150/TB-BLĐTBXH and CV 8726/VPCP-KGVX): the package is right; pinned by tests.
- 2026 (TB 9441/TB-BNV of 16/10/2025: Tết 16–20/2, 2/9 + 1/9, swap Mon 31/8 <-> Sat 22/8;
  24/11 Ngày Văn hóa Việt Nam per NQ 28/2026/QH16, in force 1/7/2026): the package is
  right, but it lacks the New Year swap approved on 25/12/2025, shipped here.
"""

import datetime as dt

from django.db import migrations

NEW_YEAR_2026_BASIS = (
    "Công văn 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ (ý kiến Phó Thủ tướng "
    "Phạm Thị Thanh Trà) và thông báo của Bộ Nội vụ ngày 25/12/2025 về nghỉ Tết Dương lịch 2026"
)

EXCEPTIONS = [
    (
        dt.date(2026, 1, 2),
        "day_off",
        "Nghỉ Tết Dương lịch (hoán đổi sang thứ Bảy 10/01/2026)",
        NEW_YEAR_2026_BASIS,
    ),
    (
        dt.date(2026, 1, 10),
        "workday",
        "Làm bù cho thứ Sáu 02/01/2026 (Tết Dương lịch)",
        NEW_YEAR_2026_BASIS,
    ),
]


def add_exceptions(apps, schema_editor):
    CalendarException = apps.get_model("calendars", "CalendarException")
    for day, kind, name, basis in EXCEPTIONS:
        # An admin may already have entered the date by hand: keep their row.
        CalendarException.objects.get_or_create(
            date=day, defaults={"kind": kind, "name": name, "legal_basis": basis}
        )


def remove_exceptions(apps, schema_editor):
    CalendarException = apps.get_model("calendars", "CalendarException")
    CalendarException.objects.filter(
        date__in=[day for day, *_ in EXCEPTIONS], legal_basis=NEW_YEAR_2026_BASIS
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("calendars", "0001_initial")]

    operations = [migrations.RunPython(add_exceptions, remove_exceptions)]
