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
