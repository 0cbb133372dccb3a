"""Leader screens of the 766 index: the dashboard and the click-through to dossiers."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cchc.indices import exports, selectors
from cchc.indices.definition import BANDS, CRITERIA_BY_CODE, GROUPS_BY_CODE
from cchc.indices.formulas import round_half_away
from cchc.indices.periods import FORMAT_HELP, parse_period
from cchc.indices.whatif import FIXES, Change


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.XLSX)
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in name)
    response["Content-Disposition"] = f'attachment; filename="{safe}.xlsx"'
    return response


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
    if request.GET.get("format") == "xlsx":
        content = exports.workbook(
            [
                ("Tiêu chí", exports.CRITERIA_HEADERS, exports.criteria_rows(board.result)),
                (
                    "Xếp hạng",
                    (
                        "Mã đơn vị",
                        "Đơn vị",
                        "Hồ sơ",
                        "Điểm",
                        "Tối đa",
                        "Tỷ lệ điểm (%)",
                        "Xếp loại",
                    ),
                    [
                        [
                            r.unit.code,
                            r.unit.name,
                            r.result.dossiers,
                            r.result.total_score,
                            r.result.total_max,
                            r.percent,
                            r.band,
                        ]
                        for r in board.ranking
                    ],
                ),
                (
                    "Theo tháng",
                    ("Tháng", "Điểm", "Tối đa", "Tỷ lệ điểm (%)"),
                    [[m.period.label, m.score, m.max, m.percent] for m in board.trend],
                ),
            ]
        )
        return _xlsx(content, f"chi-so-766-{unit.code}-{text}")
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
            "trend_data": {
                "label": f"{unit.name} (%)",
                "labels": [m.period.label for m in board.trend],
                "percent": [
                    float(round_half_away(m.percent)) if m.percent is not None else None
                    for m in board.trend
                ],
            },
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
    if request.GET.get("format") == "xlsx":
        content = exports.workbook(
            [
                (
                    code,
                    (
                        "Mã hồ sơ",
                        "Mã thủ tục",
                        "Đơn vị tiếp nhận",
                        "Tiếp nhận",
                        "Hẹn trả",
                        "Kết thúc",
                        "Trạng thái",
                    ),
                    [
                        [
                            d.code,
                            d.procedure_code,
                            d.unit_code,
                            d.received_at,
                            d.due_at,
                            d.finished_at,
                            d.final_status,
                        ]
                        for d in rows
                    ],
                )
            ]
        )
        return _xlsx(content, f"ho-so-mat-diem-{code}-{unit.code}-{text}")
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


def public(request: HttpRequest) -> HttpResponse:
    """Public scoreboard (no login): units' on-time rates and index, aggregates only."""
    roots = selectors.index_public_roots()
    code = request.GET.get("unit", "").strip()
    unit = None
    if code:
        try:
            unit = selectors.unit_get_by_code(code=code)
        except ValidationError:
            unit = None
    unit = unit or (roots[0] if roots else None)
    text = request.GET.get("period", "").strip() or _default_period()
    error = ""
    try:
        period = parse_period(text)
    except ValidationError as exc:
        error, text = exc.messages[0], _default_period()
        period = parse_period(text)
    ranking = selectors.index_public_scoreboard(unit=unit, period=period) if unit else []
    if request.GET.get("format") == "xlsx" and unit is not None:
        content = exports.workbook(
            [
                (
                    "Bảng điểm",
                    (
                        "Đơn vị",
                        "Hồ sơ tiếp nhận",
                        "Tỷ lệ đúng hạn (%)",
                        "Điểm",
                        "Tối đa",
                        "Tỷ lệ điểm (%)",
                        "Xếp loại",
                    ),
                    [
                        [
                            r.unit.name,
                            r.result.dossiers,
                            r.on_time_rate * 100 if r.on_time_rate is not None else None,
                            r.result.total_score,
                            r.result.total_max,
                            r.percent,
                            r.band,
                        ]
                        for r in ranking
                    ],
                )
            ]
        )
        return _xlsx(content, f"bang-diem-{unit.code}-{text}")
    return render(
        request,
        "indices/public.html",
        {
            "roots": roots,
            "unit": unit,
            "period_text": text,
            "period_error": error,
            "format_help": FORMAT_HELP,
            "ranking": ranking,
        },
    )
