"""Menu entry for the data-subject export, and home cards for one's own data and account."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cchc.accounts.models import Role
from cchc.accounts.permissions import Action
from cchc.core.navigation import HomeCard, NavLink, home_widget, register_link

register_link(
    NavLink(
        key="privacy_export",
        label=_("Dữ liệu cá nhân"),
        url="privacy:subject_export",
        action=Action.PERSONAL_DATA_EXPORT,
        order=90,
    )
)


@home_widget(roles=[Role.CITIZEN])
def citizen_data(role_home, home):
    yield HomeCard(
        key="my_personal_data",
        title=_("Dữ liệu cá nhân của tôi"),
        text=_("Tải về toàn bộ dữ liệu hệ thống đang lưu về bạn (Nghị định 13/2023/NĐ-CP)."),
        url="privacy:self_export",
        order=90,
    )


@home_widget(roles=[r for r in Role.values if r != Role.CITIZEN])
def account_security(role_home, home):
    # Once on the page, in the first staff role's section.
    staff = [r for r in home.roles if r.role != Role.CITIZEN]
    if not staff or staff[0].role != role_home.role:
        return
    yield HomeCard(
        key="account_security",
        title=_("Bảo mật tài khoản"),
        text=_("Đổi mật khẩu, bật xác thực hai bước bằng ứng dụng trên điện thoại."),
        url="otp_setup",
        order=99,
    )
