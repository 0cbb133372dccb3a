from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.permissions import user_roles
from cchc.units.selectors import unit_ancestors, unit_get_by_code, unit_tree


def _parse_day(raw: str) -> tuple[dt.date | None, str]:
    if not raw:
        return None, ""
    try:
        return dt.date.fromisoformat(raw), ""
    except ValueError:
        return None, _(
            "Ngày “%(raw)s” không hợp lệ (định dạng YYYY-MM-DD); hiển thị theo hôm nay."
        ) % {"raw": raw}


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    """The unit tree below ?unit=<code> (default: the units of the user's roles) on ?on=<date>."""
    today = timezone.localdate()
    on, error = _parse_day(request.GET.get("on", "").strip())
    on = on or today
    code = request.GET.get("unit", "").strip()
    root = unit_get_by_code(code=code) if code else None
    if code and root is None:
        error = _("Không tìm thấy đơn vị có mã “%(code)s”.") % {"code": code}
    if root is not None:
        nodes = unit_tree(root=root, on=on, with_successors=True)
        ancestors = unit_ancestors(unit=root)
    else:
        user = request.user  # login_required: never anonymous here
        assigned = [a.unit for a in user_roles(user, on=today) if a.unit is not None]  # type: ignore[arg-type]
        # Without a role assignment (e.g. a fresh superuser): the provinces, to drill into.
        nodes = (
            unit_tree(roots=assigned, on=on, with_successors=True)
            if assigned
            else unit_tree(on=on, max_depth=0)
        )
        ancestors = []
    return render(
        request,
        "units/tree.html",
        {
            "nodes": nodes,
            "root": root,
            "ancestors": ancestors,
            "on": on,
            "is_today": on == today,
            "error": error,
            "code": code,
        },
    )
