"""Menu entries and home-page cards of the dossier screens (see cchc.core.navigation)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cchc.accounts.models import Role
from cchc.accounts.permissions import Action
from cchc.core.navigation import HomeCard, NavLink, home_widget, register_link

register_link(
    NavLink(
        key="dossiers", label=_("Hồ sơ"), url="dossiers:queue", action=Action.DOSSIER_VIEW, order=20
    )
)
register_link(
    NavLink(
        key="dossier_intake",
        label=_("Tiếp nhận"),
        url="dossiers:intake",
        roles={Role.ONE_STOP_OFFICER, Role.PARTNER_STAFF},
        order=21,
    )
)
register_link(
    NavLink(
        key="dossier_leader",
        label=_("Theo dõi đơn vị"),
        url="dossiers:leader",
        roles={Role.UNIT_LEADER, Role.CHAIRMAN},
        order=22,
    )
)


@home_widget(roles=[Role.ONE_STOP_OFFICER])
def one_stop_officer(role_home, home):
    yield HomeCard(
        key="dossier_intake",
        title=_("Tiếp nhận hồ sơ"),
        text=_("Kiểm tra thành phần, cấp giấy tiếp nhận và hẹn trả kết quả."),
        url="dossiers:intake",
        order=10,
    )
    yield HomeCard(
        key="dossier_return",
        title=_("Trả kết quả"),
        text=_("Hồ sơ đã có kết quả, chờ trả cho công dân, tổ chức."),
        url="/dossiers/?kind=to_return",
        order=20,
    )


@home_widget(roles=[Role.SPECIALIST])
def specialist(role_home, home):
    yield HomeCard(
        key="dossier_inbox",
        title=_("Hồ sơ cần xử lý"),
        text=_("Hồ sơ được giao cho bạn, sắp xếp theo hạn xử lý."),
        url="/dossiers/?kind=mine",
        order=10,
    )


@home_widget(roles=[Role.UNIT_LEADER])
def unit_leader(role_home, home):
    yield HomeCard(
        key="dossier_approve",
        title=_("Hồ sơ chờ phê duyệt"),
        text=_("Kết quả xử lý chờ lãnh đạo đơn vị cho ý kiến."),
        url="/dossiers/?kind=mine",
        order=10,
    )
    yield HomeCard(
        key="dossier_assign",
        title=_("Phân công xử lý"),
        text=_("Hồ sơ của đơn vị: quá hạn, sắp đến hạn, theo bước và theo cán bộ."),
        url="dossiers:leader",
        order=20,
    )


@home_widget(roles=[Role.PARTNER_STAFF])
def partner_staff(role_home, home):
    yield HomeCard(
        key="postal_receive",
        title=_("Nhận hồ sơ qua dịch vụ bưu chính"),
        text=_("Hồ sơ công dân gửi qua bưu chính công ích, chờ chuyển đến Bộ phận Một cửa."),
        url="dossiers:intake",
        order=10,
    )
