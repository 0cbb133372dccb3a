"""Leader screens of the 766 index: the dashboard and the click-through to dossiers."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cchc.indices import selectors
from cchc.indices.definition import BANDS, CRITERIA_BY_CODE, GROUPS_BY_CODE
from cchc.indices.periods import FORMAT_HELP, parse_period
from cchc.indices.whatif import FIXES, Change


def _default_period() -> str:
    today = timezone.localdate()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def _choose(request: HttpRequest):
    """The unit (by code, among those the user may view) and the period of the request."""
    units = selectors.index_units_for_user(user=request.user)
    if not units:
        raise PermissionDenied("Bạn không có quyền xem Bộ chỉ số của đơn vị nào.")
    code = request.GET.get("unit", "").strip()
    unit = next((u for u in units if u.code == code), None) if code else units[0]
    if unit is None:
        raise PermissionDenied("Bạn không có quyền xem Bộ chỉ số của đơn vị này.")
    text = request.GET.get("period", "").strip() or _default_period()
    error = ""
    try:
        period = parse_period(text)
    except ValidationError as exc:
        error = exc.messages[0]
        text = _default_period()
        period = parse_period(text)
    return units, unit, text, period, error


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    units, unit, text, period, error = _choose(request)
    board = selectors.index_dashboard(user=request.user, unit=unit, period=period)
    return render(
        request,
        "indices/dashboard.html",
        {
            "units": units,
            "unit": unit,
            "period_text": text,
            "period_error": error,
            "format_help": FORMAT_HELP,
            "board": board,
            "groups": [
                (
                    GROUPS_BY_CODE[g.code],
                    g,
                    [c for c in board.result.criteria if c.criterion.group == g.code],
                )
                for g in board.result.groups
            ],
            "bands": BANDS,
        },
    )


@login_required
def lost(request: HttpRequest) -> HttpResponse:
    _units, unit, text, period, error = _choose(request)
    code = request.GET.get("criterion", "").strip()
    if error:
        return render(
            request,
            "indices/lost.html",
            {"unit": unit, "period_text": text, "error": error},
            status=400,
        )
    if code not in CRITERIA_BY_CODE:
        return render(
            request,
            "indices/lost.html",
            {"unit": unit, "period_text": text, "error": f"Không có tiêu chí “{code}”."},
            status=404,
        )
    result, rows = selectors.index_lost_dossiers(
        user=request.user, unit=unit, period=period, criterion=code
    )
    return render(
        request,
        "indices/lost.html",
        {
            "unit": unit,
            "period_text": text,
            "criterion": CRITERIA_BY_CODE[code],
            "result": result,
            "rows": rows,
        },
    )


WHATIF_ROWS = 3


def _parse_changes(request: HttpRequest) -> tuple[list[Change], list[dict[str, str]], list[str]]:
    """Up to three change rows from the query string; Vietnamese errors for bad ones."""
    changes: list[Change] = []
    rows: list[dict[str, str]] = []
    errors: list[str] = []
    for i in range(1, WHATIF_ROWS + 1):
        row = {
            name: request.GET.get(f"{name}{i}", "").strip()
            for name in ("criterion", "scope_unit", "procedure", "mode", "value")
        }
        rows.append(row)
        if not row["criterion"]:
            continue
        try:
            value = Decimal(row["value"].replace(",", ".")) / 100
        except InvalidOperation:
            errors.append(f"Thay đổi {i}: “{row['value']}” không phải là số phần trăm.")
            continue
        try:
            changes.append(
                Change(
                    row["criterion"],
                    unit=row["scope_unit"] or None,
                    procedure=row["procedure"] or None,
                    target_rate=value if row["mode"] != "share" else None,
                    fix_share=value if row["mode"] == "share" else None,
                )
            )
        except ValueError as exc:
            errors.append(f"Thay đổi {i}: {exc}")
    return changes, rows, errors


@login_required
def whatif(request: HttpRequest) -> HttpResponse:
    units, unit, text, period, error = _choose(request)
    changes, rows, errors = _parse_changes(request)
    projection, actions = selectors.index_whatif(
        user=request.user, unit=unit, period=period, changes=changes
    )
    before = {c.code: c for c in projection.before.criteria}
    return render(
        request,
        "indices/whatif.html",
        {
            "units": units,
            "unit": unit,
            "period_text": text,
            "period_error": error,
            "format_help": FORMAT_HELP,
            "rows": rows,
            "errors": errors,
            "projection": projection,
            "comparison": [(before[c.code], c) for c in projection.after.criteria],
            "actions": actions[:20],
            "criteria": [c for c in CRITERIA_BY_CODE.values() if c.code in FIXES],
        },
    )
