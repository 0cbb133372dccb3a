"""Menu entries of the simplification screens (see cchc.core.navigation)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cchc.accounts.permissions import Action
from cchc.core.navigation import NavLink, register_link

register_link(
    NavLink(
        key="reforms",
        label=_("Đơn giản hóa TTHC"),
        url="reforms:overview",
        action=Action.REPORT_VIEW,
        order=60,
    )
)
register_link(
    NavLink(
        key="reform_proposals",
        label=_("Phương án đơn giản hóa"),
        url="reforms:proposals",
        action=Action.REPORT_VIEW,
        order=61,
    )
)
register_link(
    NavLink(
        key="reform_community",
        label=_("Sáng kiến, tập huấn, tuyên truyền"),
        url="reforms:community",
        action=Action.REPORT_VIEW,
        order=62,
    )
)
