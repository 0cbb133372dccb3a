"""Menu entries and home cards of the public portal (see cchc.core.navigation)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cchc.accounts.models import Role
from cchc.core.navigation import HomeCard, NavLink, home_widget, register_link

register_link(NavLink(key="portal", label=_("Dịch vụ công"), url="portal:home", order=12))
register_link(
    NavLink(
        key="portal_my_dossiers",
        label=_("Hồ sơ của tôi"),
        url="portal:my_dossiers",
        roles={Role.CITIZEN},
        order=13,
    )
)
register_link(
    NavLink(
        key="portal_petitions",
        label=_("Phản ánh, kiến nghị"),
        url="portal:petition_staff",
        roles={Role.ONE_STOP_OFFICER},
        order=25,
    )
)


@home_widget(roles=[Role.CITIZEN])
def citizen(role_home, home):
    # Same keys as core's placeholders: these replace the "Sắp có" cards.
    yield HomeCard(
        key="dossier_submit",
        title=_("Nộp hồ sơ trực tuyến"),
        text=_("Chọn thủ tục, điền tờ khai, đính kèm giấy tờ và nộp qua mạng."),
        url="portal:catalog",
        order=20,
    )
    yield HomeCard(
        key="dossier_lookup",
        title=_("Tra cứu hồ sơ của tôi"),
        text=_("Theo dõi tình trạng, bổ sung, nhận kết quả và đánh giá."),
        url="portal:my_dossiers",
        order=30,
    )
