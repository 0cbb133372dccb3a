"""Menu entries of the directive-tracking screens (see cchc.core.navigation)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cchc.accounts.models import Role
from cchc.accounts.permissions import Action
from cchc.core.navigation import NavLink, register_link

register_link(
    NavLink(
        key="directives",
        label=_("Nhiệm vụ"),
        url="directives:mine",
        action=Action.DIRECTIVE_UPDATE,
        order=40,
    )
)
register_link(
    NavLink(
        key="directive_documents",
        label=_("Văn bản chỉ đạo"),
        url="directives:documents",
        action=Action.DIRECTIVE_MANAGE,
        order=41,
    )
)
register_link(
    NavLink(
        key="directive_overview",
        label=_("Theo dõi nhiệm vụ"),
        url="directives:overview",
        roles={Role.CHAIRMAN, Role.HOME_AFFAIRS},
        order=42,
    )
)
register_link(
    NavLink(
        key="directive_records",
        label=_("Hồ sơ công việc"),
        url="directives:records",
        action=Action.DIRECTIVE_UPDATE,
        order=43,
    )
)
register_link(
    NavLink(
        key="directive_coordination",
        label=_("Việc phối hợp"),
        url="directives:coordination",
        action=Action.DIRECTIVE_UPDATE,
        order=44,
    )
)
