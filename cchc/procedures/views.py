"""Public catalog pages (no login: the portal reuses them) and the staff export."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cchc.accounts.permissions import DENIED_MESSAGE
from cchc.procedures.models import OnlineLevel, Procedure, ProcedureLevel
from cchc.procedures.selectors import (
    procedure_catalog,
    procedure_get,
    procedure_manage_allowed,
    sector_list,
)
from cchc.procedures.services import catalog_export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def catalog(request: HttpRequest) -> HttpResponse:
    filters = {
        "text": request.GET.get("q", "").strip()[:200],
        "sector": request.GET.get("sector", "").strip(),
        "level": request.GET.get("level", "").strip(),
        "online_level": request.GET.get("online_level", "").strip(),
    }
    if filters["level"] not in ProcedureLevel.values:
        filters["level"] = ""
    if filters["online_level"] not in OnlineLevel.values:
        filters["online_level"] = ""
    versions = list(procedure_catalog(**{k: v or None for k, v in filters.items()}))
    return render(
        request,
        "procedures/catalog.html",
        {
            "versions": versions,
            "filters": filters,
            "sectors": list(sector_list()),
            "levels": ProcedureLevel.choices,
            "online_levels": OnlineLevel.choices,
            "can_export": procedure_manage_allowed(user=request.user),
        },
    )


def detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        procedure = procedure_get(code=code)
    except Procedure.DoesNotExist:
        raise Http404("Không tìm thấy thủ tục.") from None
    versions = list(procedure.versions.all())  # newest first, details prefetched
    now = timezone.now()
    requested = request.GET.get("v", "").strip()
    current = next(
        (v for v in versions if v.valid_from <= now and (v.valid_to is None or v.valid_to > now)),
        versions[0] if versions else None,
    )
    shown = next((v for v in versions if str(v.number) == requested), current)
    return render(
        request,
        "procedures/detail.html",
        {"procedure": procedure, "version": shown, "current": current, "versions": versions},
    )


def export_xlsx(request: HttpRequest) -> HttpResponse:
    if not procedure_manage_allowed(user=request.user):
        raise PermissionDenied(DENIED_MESSAGE)
    content = catalog_export(fmt="xlsx")
    response = HttpResponse(content, content_type=XLSX)
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="danh-muc-tthc-{stamp}.xlsx"'
    return response
