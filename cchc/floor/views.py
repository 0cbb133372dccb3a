"""Screens of the service centre floor. Public screens (kiosk, ticket, board, tablet,
lookup) need no account and show no personal data; the counter and figures pages are for
staff. Views parse input, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc.accounts.permissions import Action, has_any_permission, has_permission
from cchc.floor import selectors, services, voice
from cchc.floor.forms import CounterForm, OfficeHoursForm
from cchc.floor.models import Counter, Priority, RatingValue, Ticket
from cchc.units.models import Unit, UnitKind

BOARD_REFRESH_S = 10
COUNTER_REFRESH_S = 15


def _qr(text: str) -> str:
    from cchc.documents.qr import qr_svg

    return mark_safe(qr_svg(text))  # our own SVG, generated from our own URL


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _one_stop(unit_id: int) -> Unit:
    return get_object_or_404(Unit, pk=unit_id, kind=UnitKind.ONE_STOP)


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "floor/forbidden.html", {"message": message}, status=403)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    counters = selectors.counters_for_user(user=request.user)
    units = {c.unit for c in counters} or set(selectors.one_stop_units())
    return render(
        request,
        "floor/index.html",
        {
            "counters": counters,
            "units": sorted(units, key=lambda u: u.name),
            "can_figures": has_any_permission(request.user, Action.REPORT_VIEW),
            "can_manage_counters": has_any_permission(request.user, Action.COUNTER_MANAGE),
        },
    )


# --- Ticket kiosk (touch screen, or a phone through the QR link) ---------------------------


def kiosk(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _one_stop(unit_id)
    errors: list[str] = []
    if request.method == "POST":
        from cchc.procedures.models import Procedure, Sector

        sector = Sector.objects.filter(pk=request.POST.get("sector") or None).first()
        procedure = Procedure.objects.filter(pk=request.POST.get("procedure") or None).first()
        try:
            ticket = services.ticket_take(
                unit=unit,
                sector=sector,
                procedure=procedure,
                priority=request.POST.get("priority", ""),
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            return redirect("floor:ticket", token=ticket.token)
    phone_url = request.build_absolute_uri(reverse("floor:kiosk", args=[unit.pk]))
    return render(
        request,
        "floor/kiosk.html",
        {
            "unit": unit,
            "sectors": selectors.served_sectors(unit=unit),
            "procedures": selectors.served_procedures(unit=unit),
            "priorities": [c for c in Priority.choices if c[0]],
            "errors": errors,
            "phone_qr": _qr(phone_url),
            "phone_url": phone_url,
        },
        status=400 if errors else 200,
    )


def book(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _one_stop(unit_id)
    errors: list[str] = []
    if request.method == "POST":
        from cchc.procedures.models import Sector

        sector = Sector.objects.filter(pk=request.POST.get("sector") or None).first()
        raw = request.POST.get("booked_for", "")
        when = parse_datetime(raw) if raw else None
        if when is not None and timezone.is_naive(when):
            when = timezone.make_aware(when)
        try:
            if when is None:
                raise ValidationError(_("Vui lòng chọn ngày giờ đến."), code="required")
            ticket = services.ticket_book(
                unit=unit,
                sector=sector,
                booked_for=when,
                priority=request.POST.get("priority", ""),
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            return redirect("floor:ticket", token=ticket.token)
    return render(
        request,
        "floor/book.html",
        {
            "unit": unit,
            "sectors": selectors.served_sectors(unit=unit),
            "priorities": [c for c in Priority.choices if c[0]],
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@require_POST
def check_in(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _one_stop(unit_id)
    token = request.POST.get("token", "").strip()
    if "/" in token:  # the scanner typed the whole link of the booking QR
        token = token.rstrip("/").rsplit("/", 1)[-1]
    try:
        ticket = services.ticket_check_in(token=token[:64])
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
        return redirect("floor:kiosk", unit_id=unit.pk)
    return redirect("floor:ticket", token=ticket.token)


def ticket(request: HttpRequest, token: str) -> HttpResponse:
    t = selectors.ticket_by_token(token=token)
    if t is None:
        raise Http404
    context = {
        "ticket": t,
        "ahead": selectors.tickets_ahead(ticket=t),
        "qr": _qr(request.build_absolute_uri()),
        "refresh": COUNTER_REFRESH_S,
    }
    if request.htmx:
        return render(request, "floor/ticket.html#status", context)
    return render(request, "floor/ticket.html", context)


# --- Counter (officer) ----------------------------------------------------------------------


def _counter_for(request: HttpRequest, pk: int) -> Counter:
    counter = get_object_or_404(Counter.objects.select_related("unit", "officer"), pk=pk)
    if not has_permission(request.user, Action.DOSSIER_RECEIVE, counter.unit):
        raise PermissionDenied(_("Bạn không phải công chức Một cửa của đơn vị có quầy này."))
    return counter


@login_required
def counter(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        c = _counter_for(request, pk)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    page = selectors.counter_page(counter=c)
    context = {
        "page": page,
        "refresh": COUNTER_REFRESH_S,
        "announcement": (selectors.announcement_text(ticket=page.current) if page.current else ""),
    }
    if request.htmx:
        return render(request, "floor/counter.html#waiting", context)
    return render(request, "floor/counter.html", context)


COUNTER_ACTIONS = {"call_next", "recall", "start", "transfer", "finish", "abandon"}


@login_required
@require_POST
def counter_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in COUNTER_ACTIONS:
        raise Http404
    try:
        c = _counter_for(request, pk)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    user = request.user
    t = None
    if action != "call_next":
        t = get_object_or_404(Ticket, pk=request.POST.get("ticket"), counter=c)
    try:
        if action == "call_next":
            called = services.counter_call_next(actor=user, counter=c)
            if called is None:
                messages.info(request, _("Không còn ai chờ ở các lĩnh vực quầy này phục vụ."))
            else:
                messages.success(request, _("Đã gọi số %(n)s.") % {"n": called.display})
        elif action == "recall":
            services.ticket_recall(actor=user, ticket=t)
        elif action == "start":
            services.ticket_start_service(actor=user, ticket=t)
        elif action == "abandon":
            services.ticket_abandon(actor=user, ticket=t)
        elif action == "transfer":
            target = get_object_or_404(Counter, pk=request.POST.get("to_counter") or 0)
            services.ticket_transfer(actor=user, ticket=t, to_counter=target)
            messages.success(
                request,
                _("Đã chuyển số %(n)s sang quầy %(c)s.") % {"n": t.display, "c": target.number},
            )
        elif action == "finish":
            dossier = None
            code = request.POST.get("dossier_code", "").strip()
            if code:
                from cchc.dossiers.models import Dossier

                dossier = Dossier.objects.filter(code=code).first()
                if dossier is None:
                    raise ValidationError(
                        _("Không tìm thấy hồ sơ có mã %(code)s.") % {"code": code}, code="unknown"
                    )
            services.ticket_finish(actor=user, ticket=t, dossier=dossier)
            messages.success(request, _("Đã kết thúc lượt phục vụ số %(n)s.") % {"n": t.display})
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    return redirect("floor:counter", pk=c.pk)


@login_required
def announce(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The WAV clip calling a ticket to its counter (staff only; made by espeak-ng)."""
    t = get_object_or_404(Ticket.objects.select_related("counter__unit"), pk=ticket_id)
    if t.counter is None or not has_permission(
        request.user, Action.DOSSIER_RECEIVE, t.counter.unit
    ):
        raise Http404
    path = voice.announcement_wav(selectors.announcement_text(ticket=t))
    if path is None:
        raise Http404("espeak-ng unavailable")
    response = FileResponse(path.open("rb"), content_type="audio/wav")
    response["Cache-Control"] = "private, max-age=86400"
    return response


# --- Hall board (TV) ------------------------------------------------------------------------


def board(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _one_stop(unit_id)
    context = {"board": selectors.hall_board(unit=unit), "refresh": BOARD_REFRESH_S}
    if request.htmx:
        return render(request, "floor/board.html#content", context)
    return render(request, "floor/board.html", context)


# --- Rating tablet --------------------------------------------------------------------------


def tablet(request: HttpRequest, counter_id: int) -> HttpResponse:
    c = get_object_or_404(Counter.objects.select_related("unit", "officer"), pk=counter_id)
    errors: list[str] = []
    thanks = False
    if request.method == "POST":
        t = Ticket.objects.filter(pk=request.POST.get("ticket") or 0, counter=c).first()
        try:
            if t is None:
                raise ValidationError(_("Không có lượt phục vụ để đánh giá."), code="no_ticket")
            services.rating_submit(
                counter=c,
                ticket=t,
                value=request.POST.get("value", ""),
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            thanks = True
    context = {
        "counter": c,
        "ticket": None if thanks else selectors.tablet_ticket(counter=c),
        "values": RatingValue.choices,
        "errors": errors,
        "thanks": thanks,
        "refresh": COUNTER_REFRESH_S,
        "posted": request.POST if errors else {},
    }
    if request.htmx:
        return render(request, "floor/tablet.html#panel", context)
    return render(request, "floor/tablet.html", context, status=400 if errors else 200)


# --- Lookup kiosk -----------------------------------------------------------------------------


def lookup(request: HttpRequest) -> HttpResponse:
    """Scan the receipt's QR (or type the code) and the lookup secret printed on it."""
    from cchc.portal import ratelimit
    from cchc.portal.selectors import NOT_FOUND_MESSAGE, public_status

    context: dict = {}
    if request.method == "POST":
        code, secret = selectors.parse_scan(request.POST.get("scan", ""))
        secret = secret or request.POST.get("s", "").strip()[:64]
        context["code"] = code
        refusal = ratelimit.hit(scope="floor_lookup", ip=ratelimit.client_ip(request), code=code)
        if refusal:
            context["refusal"] = refusal
            return render(request, "floor/lookup.html", context, status=429)
        status = public_status(code=code, secret=secret) if code and secret else None
        if status is None:
            context["not_found"] = NOT_FOUND_MESSAGE
            return render(request, "floor/lookup.html", context, status=404)
        context["status"] = status
    return render(request, "floor/lookup.html", context)


# --- Figures ----------------------------------------------------------------------------------


def _figures_period(request: HttpRequest):
    """`?period=2026-11` (any period the reports read), or `?from=…&to=…`; by default the
    current month."""
    from cchc.indices.periods import parse_period

    raw = request.GET.get("period", "").strip()
    if not raw:
        date_from = parse_date(request.GET.get("from", "") or "")
        date_to = parse_date(request.GET.get("to", "") or "")
        if date_from or date_to:
            today = timezone.localdate()
            raw = f"{date_from or date_to or today}..{date_to or date_from or today}"
        else:
            raw = timezone.localdate().strftime("%Y-%m")
    return parse_period(raw)


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    """Waiting and service times of a unit (and the units below it) for a period; the
    leader dashboard links here with `?unit=<pk>&period=<label>`."""
    units = selectors.figures_units_for_user(user=request.user)
    if not units:
        return _forbidden(request, _("Bạn không có quyền xem số liệu."))
    unit = units[0]
    if request.GET.get("unit"):
        unit = next((u for u in units if str(u.pk) == request.GET["unit"]), None)
        if unit is None:
            return _forbidden(request, _("Bạn không có quyền xem số liệu của đơn vị này."))
    context = {"units": units, "unit": unit, "period_text": request.GET.get("period", "")}
    try:
        period = _figures_period(request)
    except ValidationError as exc:
        context["errors"] = _errors(exc)
        return render(request, "floor/figures.html", context, status=400)
    context["f"] = selectors.floor_figures(unit=unit, period=period)
    context["period_text"] = period.label
    return render(request, "floor/figures.html", context)


# --- Counter registry (the centre's manager) ------------------------------------------------


def _form_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: field errors where the form has the
    field, the rest above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _managed_centre(request: HttpRequest, unit_id: int) -> Unit:
    unit = _one_stop(unit_id)
    if not has_permission(request.user, Action.COUNTER_MANAGE, unit):
        raise PermissionDenied(_("Bạn không quản lý quầy của Bộ phận Một cửa này."))
    return unit


def _registry_page(request, unit, form, hours_form, *, status=200) -> HttpResponse:
    registry = selectors.centre_registry(user=request.user, unit=unit)
    if hours_form is None and registry.can_edit_hours:
        h = registry.hours
        hours_form = OfficeHoursForm(
            initial={
                "morning_start": h.morning_start,
                "morning_end": h.morning_end,
                "afternoon_start": h.afternoon_start,
                "afternoon_end": h.afternoon_end,
                "receipt_cutoff": h.receipt_cutoff,
            }
        )
    return render(
        request,
        "floor/manage.html",
        {"r": registry, "form": form, "hours_form": hours_form},
        status=status,
    )


@login_required
def manage_index(request: HttpRequest) -> HttpResponse:
    centres = selectors.managed_centres(user=request.user)
    if not centres:
        return _forbidden(request, _("Bạn không quản lý quầy của Bộ phận Một cửa nào."))
    if len(centres) == 1:
        return redirect("floor:manage", unit_id=centres[0].pk)
    return render(request, "floor/manage_index.html", {"centres": centres})


@login_required
def manage(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The registry of a centre's counters; POST registers a new counter."""
    try:
        unit = _managed_centre(request, unit_id)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    officers = selectors.officer_choices(unit=unit)
    if request.method == "POST":
        form = CounterForm(request.POST, officers=officers)
        if form.is_valid():
            d = form.cleaned_data
            try:
                c = services.counter_create(
                    actor=request.user,
                    unit=unit,
                    number=d["number"],
                    name=d["name"],
                    sectors=list(d["sectors"]),
                    officer=d["officer"],
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Đã thêm %(c)s.") % {"c": c})
                return redirect("floor:manage", unit_id=unit.pk)
        return _registry_page(request, unit, form, None, status=400)
    return _registry_page(request, unit, CounterForm(officers=officers), None)


@login_required
def manage_counter(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit one counter: number, name, sectors, the officer at it."""
    c = get_object_or_404(Counter.objects.select_related("unit", "officer"), pk=pk)
    if not has_permission(request.user, Action.COUNTER_MANAGE, c.unit):
        return _forbidden(request, _("Bạn không quản lý quầy của Bộ phận Một cửa này."))
    officers = selectors.officer_choices(unit=c.unit)
    status = 200
    if request.method == "POST":
        form = CounterForm(request.POST, officers=officers)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.counter_update(
                    actor=request.user,
                    counter=c,
                    number=d["number"],
                    name=d["name"],
                    sectors=list(d["sectors"]),
                    officer=d["officer"],
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Đã lưu quầy số %(n)s.") % {"n": d["number"]})
                return redirect("floor:manage", unit_id=c.unit_id)
        status = 400
    else:
        form = CounterForm(
            officers=officers,
            initial={
                "number": c.number,
                "name": c.name,
                "sectors": list(c.sectors.all()),
                "officer": c.officer,
            },
        )
    return render(request, "floor/manage_counter.html", {"c": c, "form": form}, status=status)


@login_required
@require_POST
def manage_counter_active(request: HttpRequest, pk: int) -> HttpResponse:
    c = get_object_or_404(Counter.objects.select_related("unit"), pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.counter_set_active(actor=request.user, counter=c, active=active)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
    else:
        messages.success(
            request,
            (_("Đã mở lại %(c)s.") if active else _("Đã tạm ngừng %(c)s.")) % {"c": c},
        )
    return redirect("floor:manage", unit_id=c.unit_id)


@login_required
@require_POST
def manage_hours(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The centre's office hours, through the calendars app's own service (CALENDAR_MANAGE);
    every counter action is then guarded by them."""
    from cchc.calendars.services import office_hours_set

    try:
        unit = _managed_centre(request, unit_id)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    form = OfficeHoursForm(request.POST)
    if form.is_valid():
        try:
            office_hours_set(actor=request.user, unit=unit, **form.cleaned_data)
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu giờ làm việc của %(u)s.") % {"u": unit.name})
            return redirect("floor:manage", unit_id=unit.pk)
    officers = selectors.officer_choices(unit=unit)
    return _registry_page(request, unit, CounterForm(officers=officers), form, status=400)
