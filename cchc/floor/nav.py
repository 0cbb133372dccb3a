"""Menu entry and home-page card of the service centre floor (see cchc.core.navigation)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cchc.accounts.models import Role
from cchc.core.navigation import HomeCard, NavLink, home_widget, register_link

register_link(
    NavLink(
        key="floor",
        label=_("Quầy"),
        url="floor:index",
        # Unit leaders and administrators manage the counters (COUNTER_MANAGE).
        roles={Role.ONE_STOP_OFFICER, Role.UNIT_LEADER, Role.SYSTEM_ADMIN},
        order=25,
    )
)


@home_widget(roles=[Role.ONE_STOP_OFFICER])
def one_stop_officer(role_home, home):
    yield HomeCard(
        key="floor_counter",
        title=_("Quầy tiếp nhận"),
        text=_("Gọi số thứ tự, chuyển quầy, kết thúc lượt và gắn hồ sơ đã tiếp nhận."),
        url="floor:index",
        order=15,
    )
