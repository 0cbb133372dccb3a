"""Writes of the service centre floor: tickets, counters, ratings.

Every counter action (call, recall, transfer, start, finish, abandon) is an act of the
one-stop unit's officers: it needs `Action.DOSSIER_RECEIVE` on the counter's unit and is
refused outside the unit's office hours or on a day off. Taking a ticket and rating are
done by citizens at the kiosk and the tablet, without an account.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.permissions import DENIED_MESSAGE, Action, has_permission, require
from cchc.floor.models import (
    AT_COUNTER_STATUSES,
    Counter,
    CounterRating,
    Priority,
    RatingValue,
    Ticket,
    TicketEvent,
    TicketSequence,
    TicketStatus,
)
from cchc.units.models import Unit, UnitKind

if TYPE_CHECKING:
    from cchc.accounts.models import User
    from cchc.dossiers.models import Dossier
    from cchc.procedures.models import Procedure, Sector

# A rating must follow the visit closely: the tablet only rates a ticket finished at its
# counter within this window, so nobody can rate old visits in bulk.
RATING_WINDOW = dt.timedelta(minutes=30)
BOOKING_HORIZON_DAYS = 30


def _refuse(message: str, code: str, field: str | None = None) -> None:
    if field:
        raise ValidationError({field: ValidationError(message, code=code)})
    raise ValidationError(message, code=code)


def _require(actor: User | None, unit: Unit) -> None:
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_(DENIED_MESSAGE))
    require(actor, Action.DOSSIER_RECEIVE, unit)


def _local(at: dt.datetime) -> dt.datetime:
    return timezone.localtime(at)


def _in_office_hours(calendar, at: dt.datetime) -> bool:
    """Whether `at` lies within the unit's office hours on a working day, as the one
    working-day module counts office time (cchc.calendars.workdays): the instant right
    after `at` is office time exactly when `at` is in [period start, period end)."""
    return calendar.working_time_between(at, at + dt.timedelta(microseconds=1)) > dt.timedelta()


def _hours_text(calendar) -> str:
    return " và ".join(
        f"{s.strftime('%H:%M')}–{e.strftime('%H:%M')}" for s, e in calendar.hours.periods
    )


def office_open_check(*, unit: Unit, at: dt.datetime) -> None:
    """Refuse (ValidationError) outside the unit's office hours or on a day off.

    Days off, make-up Saturdays and office hours all come from the unit's working
    calendar (`calendar_for_unit`, the same one deadlines use); no rule of our own."""
    from cchc.calendars.selectors import calendar_for_unit

    calendar = calendar_for_unit(unit=unit)
    if not calendar.is_working_day(at):
        _refuse(
            _("Hôm nay là ngày nghỉ, quầy không làm việc."),
            "day_off",
        )
    if not _in_office_hours(calendar, at):
        _refuse(
            _("Ngoài giờ làm việc (%(hours)s), quầy không thực hiện thao tác này.")
            % {"hours": _hours_text(calendar)},
            "outside_office_hours",
        )


def _event(
    ticket: Ticket,
    action: str,
    *,
    at: dt.datetime,
    actor: User | None = None,
    counter: Counter | None = None,
    **payload: Any,
) -> None:
    TicketEvent.objects.create(
        ticket=ticket, action=action, at=at, actor=actor, counter=counter, payload=payload
    )


def _next_number(unit: Unit, day: dt.date) -> int:
    """Gap-free per unit per day: the row stays locked until the ticket commits."""
    TicketSequence.objects.bulk_create(
        [TicketSequence(unit=unit, day=day, last_number=0)], ignore_conflicts=True
    )
    row = TicketSequence.objects.select_for_update().get(unit=unit, day=day)
    row.last_number += 1
    row.save(update_fields=["last_number"])
    return row.last_number


def _clean_request(
    unit: Unit, sector: Sector | None, procedure: Procedure | None, priority: str
) -> Sector | None:
    if unit.kind != UnitKind.ONE_STOP:
        _refuse(_("Chỉ Bộ phận Một cửa mới cấp số thứ tự."), "not_one_stop", "unit")
    if priority not in Priority.values:
        _refuse(_("Đối tượng ưu tiên không hợp lệ."), "priority", "priority")
    if procedure is not None:
        if sector is not None and procedure.sector_id != sector.pk:
            _refuse(_("Thủ tục không thuộc lĩnh vực đã chọn."), "sector_mismatch", "procedure")
        sector = procedure.sector
    if sector is None:
        _refuse(_("Vui lòng chọn lĩnh vực hoặc thủ tục."), "required", "sector")
    if not Counter.objects.filter(unit=unit, is_active=True, sectors=sector).exists():
        _refuse(
            _("Bộ phận Một cửa không có quầy nào tiếp nhận lĩnh vực %(sector)s.")
            % {"sector": sector.name},
            "no_counter",
            "sector",
        )
    return sector


@transaction.atomic
def ticket_take(
    *,
    unit: Unit,
    sector: Sector | None = None,
    procedure: Procedure | None = None,
    priority: str = "",
) -> Ticket:
    """A walk-in ticket from the kiosk (or a phone via the kiosk's QR link)."""
    sector = _clean_request(unit, sector, procedure, priority)
    now = timezone.now()
    day = _local(now).date()
    ticket = Ticket.objects.create(
        unit=unit,
        day=day,
        number=_next_number(unit, day),
        sector=sector,
        procedure=procedure,
        priority=priority,
        status=TicketStatus.WAITING,
        token=secrets.token_urlsafe(16),
        taken_at=now,
        queued_at=now,
    )
    _event(ticket, "taken", at=now, priority=priority)
    return ticket


@transaction.atomic
def ticket_book(
    *,
    unit: Unit,
    booked_for: dt.datetime,
    sector: Sector | None = None,
    procedure: Procedure | None = None,
    priority: str = "",
) -> Ticket:
    """Book a visit in advance; the slip's QR code carries `ticket.token` for check-in."""
    from cchc.calendars.selectors import calendar_for_unit

    sector = _clean_request(unit, sector, procedure, priority)
    now = timezone.now()
    local = _local(booked_for)
    if booked_for <= now:
        _refuse(_("Thời điểm đặt lịch phải ở tương lai."), "past", "booked_for")
    if local.date() > _local(now).date() + dt.timedelta(days=BOOKING_HORIZON_DAYS):
        _refuse(
            _("Chỉ đặt lịch trước tối đa %(days)s ngày.") % {"days": BOOKING_HORIZON_DAYS},
            "too_far",
            "booked_for",
        )
    calendar = calendar_for_unit(unit=unit)
    if not calendar.is_working_day(local.date()):
        _refuse(_("Ngày đã chọn là ngày nghỉ."), "day_off", "booked_for")
    if not _in_office_hours(calendar, booked_for):
        _refuse(
            _("Giờ đã chọn ngoài giờ làm việc (%(hours)s).") % {"hours": _hours_text(calendar)},
            "outside_office_hours",
            "booked_for",
        )
    day = local.date()
    ticket = Ticket.objects.create(
        unit=unit,
        day=day,
        number=_next_number(unit, day),
        sector=sector,
        procedure=procedure,
        priority=priority,
        status=TicketStatus.BOOKED,
        booked_for=booked_for,
        token=secrets.token_urlsafe(16),
        taken_at=now,
    )
    _event(ticket, "booked", at=now, booked_for=booked_for.isoformat())
    return ticket


@transaction.atomic
def ticket_check_in(*, token: str) -> Ticket:
    """The citizen scans the booking QR at the kiosk on the booked day: into the queue."""
    ticket = Ticket.objects.select_for_update().filter(token=token).first()
    if ticket is None or ticket.status != TicketStatus.BOOKED:
        _refuse(_("Không tìm thấy lịch hẹn hoặc lịch hẹn đã được sử dụng."), "unknown_booking")
    now = timezone.now()
    if _local(now).date() != ticket.day:
        _refuse(
            _("Lịch hẹn là ngày %(day)s.") % {"day": ticket.day.strftime("%d/%m/%Y")},
            "wrong_day",
        )
    ticket.status = TicketStatus.WAITING
    ticket.queued_at = min(now, ticket.booked_for)
    ticket.save(update_fields=["status", "queued_at"])
    _event(ticket, "checked_in", at=now)
    return ticket


def _lock_counter(counter: Counter | int) -> Counter:
    pk = counter.pk if isinstance(counter, Counter) else counter
    return Counter.objects.select_for_update().select_related("unit").get(pk=pk)


def _lock_ticket(ticket: Ticket | int) -> Ticket:
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    return (
        Ticket.objects.select_for_update(of=("self",)).select_related("counter", "unit").get(pk=pk)
    )


def _counter_guard(actor: User | None, counter: Counter, now: dt.datetime) -> None:
    _require(actor, counter.unit)
    if not counter.is_active:
        _refuse(_("Quầy đang tạm ngừng hoạt động."), "counter_inactive")
    office_open_check(unit=counter.unit, at=now)


def _require_manager(actor: User | None, unit: Unit) -> None:
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_(DENIED_MESSAGE))
    require(actor, Action.COUNTER_MANAGE, unit)


MAX_COUNTER_NUMBER = 999


def _clean_counter(
    unit: Unit,
    *,
    number: Any,
    name: str,
    sectors: list[Sector],
    officer: User | None,
    exclude_pk: int | None = None,
) -> tuple[int, str]:
    """Validate a counter's registry fields; every problem is reported at once."""
    errors: dict[str, ValidationError] = {}
    if unit.kind != UnitKind.ONE_STOP:
        _refuse(_("Quầy chỉ thuộc Bộ phận Một cửa."), "not_one_stop", "unit")
    try:
        n = int(number)
    except (TypeError, ValueError):
        n = 0
        errors["number"] = ValidationError(_("Số quầy phải là số nguyên."), code="invalid")
    else:
        if not 1 <= n <= MAX_COUNTER_NUMBER:
            errors["number"] = ValidationError(
                _("Số quầy phải từ 1 đến %(max)s.") % {"max": MAX_COUNTER_NUMBER}, code="range"
            )
        elif Counter.objects.filter(unit=unit, number=n).exclude(pk=exclude_pk or 0).exists():
            errors["number"] = ValidationError(
                _("Số quầy %(n)s đã có tại Bộ phận Một cửa này.") % {"n": n}, code="duplicate"
            )
    name = " ".join((name or "").split())
    if len(name) > 255:
        errors["name"] = ValidationError(_("Tên quầy tối đa 255 ký tự."), code="too_long")
    if not sectors:
        errors["sectors"] = ValidationError(
            _("Vui lòng chọn ít nhất một lĩnh vực quầy tiếp nhận."), code="required"
        )
    if officer is not None and not has_permission(officer, Action.DOSSIER_RECEIVE, unit):
        errors["officer"] = ValidationError(
            _("%(name)s không phải công chức Một cửa của đơn vị này.")
            % {"name": officer.full_name or officer.username},
            code="not_one_stop_officer",
        )
    elif officer is not None:
        # One person, one seat: ratings and waiting times go to whoever sits at a counter.
        elsewhere = (
            Counter.objects.filter(officer=officer, is_active=True)
            .exclude(pk=exclude_pk or 0)
            .first()
        )
        if elsewhere is not None:
            errors["officer"] = ValidationError(
                _("%(name)s đang trực tại %(counter)s; hãy đổi người ở quầy đó trước.")
                % {"name": officer.full_name or officer.username, "counter": elsewhere},
                code="officer_elsewhere",
            )
    if errors:
        raise ValidationError(errors)
    return n, name


def _refuse_orphaning(counter: Counter, dropped: set[int], field: str | None = None) -> None:
    """Refuse when citizens are waiting today for a sector this counter stops serving and
    no other open counter of the centre serves it: they would wait for nobody."""
    if not dropped:
        return
    covered = set(
        Counter.objects.filter(unit_id=counter.unit_id, is_active=True, sectors__in=dropped)
        .exclude(pk=counter.pk)
        .values_list("sectors", flat=True)
    )
    orphaned = dropped - covered
    if not orphaned:
        return
    waiting = Ticket.objects.filter(
        unit_id=counter.unit_id,
        day=_local(timezone.now()).date(),
        status=TicketStatus.WAITING,
        sector_id__in=orphaned,
    ).select_related("sector")
    first = waiting.order_by("sector__name").first()
    if first is not None:
        _refuse(
            _(
                "Còn %(n)s số đang chờ lĩnh vực %(sector)s mà không quầy nào khác đang mở "
                "phục vụ; hãy gọi hết hoặc giao lĩnh vực này cho quầy khác trước."
            )
            % {"n": waiting.count(), "sector": first.sector.name},
            "sector_orphaned",
            field,
        )


@transaction.atomic
def counter_create(
    *,
    actor: User,
    unit: Unit,
    number: int,
    name: str = "",
    sectors: list[Sector],
    officer: User | None = None,
) -> Counter:
    """Register a counter of a one-stop unit (the centre's manager: COUNTER_MANAGE)."""
    _require_manager(actor, unit)
    number, name = _clean_counter(unit, number=number, name=name, sectors=sectors, officer=officer)
    counter = Counter.objects.create(unit=unit, number=number, name=name, officer=officer)
    counter.sectors.set(sectors)
    return counter


@transaction.atomic
def counter_update(
    *,
    actor: User,
    counter: Counter,
    number: int,
    name: str = "",
    sectors: list[Sector],
    officer: User | None = None,
) -> Counter:
    """Change a counter's number, name, sectors or the officer at it (COUNTER_MANAGE).

    Tickets already waiting keep their sector; a sector taken off the counter is still
    served by any other counter that has it (the kiosk only offers served sectors)."""
    counter = _lock_counter(counter)
    _require_manager(actor, counter.unit)
    number, name = _clean_counter(
        counter.unit,
        number=number,
        name=name,
        sectors=sectors,
        officer=officer,
        exclude_pk=counter.pk,
    )
    if counter.is_active:
        kept = {sector.pk for sector in sectors}
        current = set(counter.sectors.values_list("pk", flat=True))
        _refuse_orphaning(counter, current - kept, "sectors")
    counter.number, counter.name, counter.officer = number, name, officer
    counter.save(update_fields=["number", "name", "officer"])
    counter.sectors.set(sectors)
    return counter


@transaction.atomic
def counter_set_active(*, actor: User, counter: Counter, active: bool) -> Counter:
    """Open or close a counter (COUNTER_MANAGE). A counter with a ticket at it, or a
    ticket transferred to it and still waiting, cannot be closed: the citizen would be
    left without a counter."""
    counter = _lock_counter(counter)
    _require_manager(actor, counter.unit)
    if counter.is_active == active:
        return counter
    if not active:
        busy = (
            Ticket.objects.filter(counter=counter)
            .filter(status__in=[*AT_COUNTER_STATUSES, TicketStatus.TRANSFERRED])
            .order_by("number")
            .first()
        )
        if busy is not None:
            _refuse(
                _(
                    "Quầy đang có số %(n)s (%(s)s); hãy kết thúc hoặc chuyển số đó trước khi "
                    "tạm ngừng quầy."
                )
                % {"n": busy.display, "s": busy.get_status_display().lower()},
                "counter_busy",
            )
        _refuse_orphaning(counter, set(counter.sectors.values_list("pk", flat=True)))
        counter.officer = None
    counter.is_active = active
    counter.save(update_fields=["is_active", "officer"])
    return counter


@transaction.atomic
def counter_sign_in(*, actor: User, counter: Counter) -> Counter:
    """The officer takes their seat at the counter (the rating goes to whoever sits there)."""
    counter = _lock_counter(counter)
    _counter_guard(actor, counter, timezone.now())
    _take_seat(actor, counter)
    return counter


def _take_seat(actor: User, counter: Counter) -> None:
    """`actor` now sits at `counter` and at no other (one person, one seat).

    Other counters' rows are taken with SKIP LOCKED: the caller already holds this
    counter's lock, and waiting for another counter's row while its holder waits for ours
    would deadlock; a counter busy right now keeps its officer until its own next action.
    """
    others = list(
        Counter.objects.select_for_update(skip_locked=True)
        .filter(officer=actor)
        .exclude(pk=counter.pk)
        .values_list("pk", flat=True)
    )
    if others:
        Counter.objects.filter(pk__in=others).update(officer=None)
    if counter.officer_id != actor.pk:
        counter.officer = actor
        counter.save(update_fields=["officer"])


def _queue_for(counter: Counter, day: dt.date):
    sector_ids = list(counter.sectors.values_list("pk", flat=True))
    return (
        Ticket.objects.filter(unit_id=counter.unit_id, day=day)
        .filter(
            Q(status=TicketStatus.WAITING, sector_id__in=sector_ids)
            | Q(status=TicketStatus.TRANSFERRED, counter=counter)
        )
        .annotate(
            # Transferred tickets have already waited once; then priority groups.
            rank=Case(
                When(status=TicketStatus.TRANSFERRED, then=Value(0)),
                When(~Q(priority=""), then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "queued_at", "number")
    )


@transaction.atomic
def counter_call_next(*, actor: User, counter: Counter) -> Ticket | None:
    """Call the next ticket: transferred to this counter first, then priority, then first
    come first served, among the sectors the counter serves. None when nobody waits."""
    counter = _lock_counter(counter)
    now = timezone.now()
    _counter_guard(actor, counter, now)
    if Ticket.objects.filter(counter=counter, status__in=AT_COUNTER_STATUSES).exists():
        _refuse(
            _("Quầy đang phục vụ một số khác; hãy kết thúc hoặc bỏ lượt số đó trước."),
            "counter_busy",
        )
    # Two counters may pick the same head of the queue: lock it, re-check it is still
    # waiting, otherwise take the next one (locking the ranked query itself is not
    # portable: PostgreSQL refuses FOR UPDATE on it).
    day = _local(now).date()
    ticket = None
    for pk in _queue_for(counter, day).values_list("pk", flat=True)[:20]:
        candidate = Ticket.objects.select_for_update().get(pk=pk)
        if candidate.status == TicketStatus.WAITING or (
            candidate.status == TicketStatus.TRANSFERRED and candidate.counter_id == counter.pk
        ):
            ticket = candidate
            break
    if ticket is None:
        return None
    ticket.status = TicketStatus.CALLED
    ticket.counter = counter
    ticket.officer = actor
    ticket.called_at = now
    ticket.call_count += 1
    ticket.save(update_fields=["status", "counter", "officer", "called_at", "call_count"])
    _take_seat(actor, counter)
    _event(ticket, "called", at=now, actor=actor, counter=counter)
    return ticket


def _at_counter(actor: User, ticket: Ticket | int, allowed: tuple[str, ...]) -> Ticket:
    ticket = _lock_ticket(ticket)
    if ticket.counter is None:
        _refuse(_("Số này chưa được gọi tại quầy nào."), "not_called")
    _counter_guard(actor, ticket.counter, timezone.now())
    if ticket.status not in allowed:
        _refuse(
            _("Số %(n)s đang ở trạng thái “%(s)s”.")
            % {"n": ticket.display, "s": ticket.get_status_display()},
            "bad_status",
        )
    return ticket


@transaction.atomic
def ticket_recall(*, actor: User, ticket: Ticket) -> Ticket:
    """Announce the called number again (the citizen has not come to the counter yet)."""
    ticket = _at_counter(actor, ticket, (TicketStatus.CALLED,))
    now = timezone.now()
    ticket.call_count += 1
    ticket.save(update_fields=["call_count"])
    _event(ticket, "recalled", at=now, actor=actor, counter=ticket.counter)
    return ticket


@transaction.atomic
def ticket_start_service(*, actor: User, ticket: Ticket) -> Ticket:
    ticket = _at_counter(actor, ticket, (TicketStatus.CALLED,))
    now = timezone.now()
    ticket.status = TicketStatus.SERVING
    ticket.served_at = now
    ticket.officer = actor
    ticket.save(update_fields=["status", "served_at", "officer"])
    _event(ticket, "serving", at=now, actor=actor, counter=ticket.counter)
    return ticket


@transaction.atomic
def ticket_transfer(*, actor: User, ticket: Ticket, to_counter: Counter) -> Ticket:
    """Send the ticket to another counter of the same unit; it waits there at the head."""
    ticket = _at_counter(actor, ticket, AT_COUNTER_STATUSES)
    to_counter = Counter.objects.select_related("unit").get(pk=to_counter.pk)
    if to_counter.unit_id != ticket.unit_id:
        _refuse(_("Chỉ chuyển sang quầy của cùng Bộ phận Một cửa."), "other_unit", "to_counter")
    if to_counter.pk == ticket.counter_id:
        _refuse(_("Số đang ở chính quầy này."), "same_counter", "to_counter")
    if not to_counter.is_active:
        _refuse(_("Quầy nhận đang tạm ngừng hoạt động."), "counter_inactive", "to_counter")
    now = timezone.now()
    from_counter = ticket.counter
    ticket.status = TicketStatus.TRANSFERRED
    ticket.counter = to_counter
    ticket.save(update_fields=["status", "counter"])
    _event(
        ticket,
        "transferred",
        at=now,
        actor=actor,
        counter=from_counter,
        to_counter=to_counter.pk,
    )
    return ticket


@transaction.atomic
def ticket_finish(*, actor: User, ticket: Ticket, dossier: Dossier | None = None) -> Ticket:
    """End the visit, linking the dossier received during it (if one was filed)."""
    ticket = _at_counter(actor, ticket, AT_COUNTER_STATUSES)
    now = timezone.now()
    if dossier is not None:
        if dossier.receiving_unit_id != ticket.unit_id:
            _refuse(
                _("Hồ sơ %(code)s không do Bộ phận Một cửa này tiếp nhận.")
                % {"code": dossier.code},
                "dossier_other_unit",
                "dossier",
            )
        ticket.dossier = dossier
    if ticket.served_at is None:
        ticket.served_at = ticket.called_at or now
    ticket.status = TicketStatus.DONE
    ticket.done_at = now
    ticket.officer = actor
    ticket.save(update_fields=["status", "done_at", "served_at", "dossier", "officer"])
    _event(
        ticket,
        "done",
        at=now,
        actor=actor,
        counter=ticket.counter,
        dossier=dossier.code if dossier else "",
    )
    return ticket


@transaction.atomic
def ticket_abandon(*, actor: User, ticket: Ticket) -> Ticket:
    """The citizen did not come after being called (or left)."""
    ticket = _at_counter(actor, ticket, (TicketStatus.CALLED,))
    now = timezone.now()
    ticket.status = TicketStatus.ABANDONED
    ticket.abandoned_at = now
    ticket.save(update_fields=["status", "abandoned_at"])
    _event(ticket, "abandoned", at=now, actor=actor, counter=ticket.counter)
    return ticket


@transaction.atomic
def rating_submit(
    *, counter: Counter, ticket: Ticket, value: str, reason: str = ""
) -> CounterRating:
    """The citizen's rating at the counter's tablet: one per ticket, a reason required
    when dissatisfied."""
    ticket = _lock_ticket(ticket)
    reason = " ".join((reason or "").split())
    if value not in RatingValue.values:
        _refuse(_("Vui lòng chọn mức độ hài lòng."), "required", "value")
    if value == RatingValue.DISSATISFIED and not reason:
        _refuse(_("Vui lòng cho biết lý do không hài lòng."), "reason_required", "reason")
    if ticket.counter_id != counter.pk or ticket.status != TicketStatus.DONE:
        _refuse(_("Số thứ tự này chưa được phục vụ tại quầy này."), "not_served_here")
    now = timezone.now()
    if ticket.done_at is None or now - ticket.done_at > RATING_WINDOW:
        _refuse(_("Đã hết thời gian đánh giá lượt phục vụ này."), "too_late")
    if CounterRating.objects.filter(ticket=ticket).exists():
        _refuse(_("Lượt phục vụ này đã được đánh giá."), "already_rated")
    rating = CounterRating.objects.create(
        ticket=ticket,
        counter=counter,
        officer_id=ticket.officer_id,
        value=value,
        reason=reason,
        created_at=now,
    )
    _event(ticket, "rated", at=now, counter=counter, value=value)
    return rating
