"""Menu entry of the staff outbox page (see cchc.core.navigation)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cchc.accounts.permissions import Action
from cchc.core.navigation import NavLink, register_link

register_link(
    NavLink(
        key="notifications",
        label=_("Thông báo gửi công dân"),
        url="integrations:notifications",
        action=Action.DOSSIER_VIEW,
        order=60,
    )
)

register_link(
    NavLink(
        key="portal_sync",
        label=_("Đồng bộ Cổng DVCQG"),
        url="integrations:portal_sync",
        action=Action.PORTAL_SYNC_MANAGE,
        order=61,
    )
)
