"""Staff page: the year's days off and make-up days, and a due-date calculator."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cchc.calendars.selectors import year_overview
from cchc.calendars.services import deadline_compute
from cchc.calendars.workdays import TimeUnit


def _parse_received(text: str) -> dt.date | dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text) if "T" in text else dt.date.fromisoformat(text)
    except ValueError:
        return None


@login_required
def year(request: HttpRequest, year: int | None = None) -> HttpResponse:
    year = year or timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise Http404
    context: dict[str, object] = {
        "overview": year_overview(year=year),
        "prev_year": year - 1,
        "next_year": year + 1,
        "time_units": [
            (TimeUnit.WORKING_DAYS.value, "ngày làm việc"),
            (TimeUnit.CALENDAR_DAYS.value, "ngày"),
            (TimeUnit.WORKING_HOURS.value, "giờ làm việc"),
        ],
    }
    if "received" in request.GET:
        received = _parse_received(request.GET.get("received", ""))
        amount = request.GET.get("amount", "")
        time_unit = request.GET.get("time_unit", TimeUnit.WORKING_DAYS.value)
        context["form"] = {
            "received": request.GET.get("received", ""),
            "amount": amount,
            "time_unit": time_unit,
        }
        if received is None:
            context["error"] = "Thời điểm tiếp nhận không hợp lệ."
        else:
            try:
                context["due"] = deadline_compute(
                    unit=None, received_at=received, amount=amount, time_unit=time_unit
                )
            except ValidationError as exc:
                context["error"] = "; ".join(exc.messages)
    return render(request, "calendars/year.html", context)
