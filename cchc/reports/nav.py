"""Menu entry of the report screens (see cchc.core.navigation)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cchc.accounts.permissions import Action
from cchc.core.navigation import NavLink, register_link

register_link(
    NavLink(
        key="reports", label=_("Báo cáo"), url="reports:index", action=Action.REPORT_VIEW, order=70
    )
)
