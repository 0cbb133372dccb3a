"""Core's own menu entries and the default next-action cards of every role.

Other apps register theirs in their own `nav.py` (see `cchc.core.navigation`); an app may
register a card with the same key, which replaces the one here. A card whose URL does not
resolve (its app is not installed) shows "Sắp có" rather than a broken link.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cchc.accounts.models import Role
from cchc.core.navigation import (
    HomeCard,
    NavGroup,
    NavLink,
    home_widget,
    register_group,
    register_link,
)

STAFF_ROLES = frozenset(Role.values) - {Role.CITIZEN}

PROCEDURES_URL = "/procedures/"
UNITS_URL = "/units/"

register_link(NavLink(key="home", label=_("Trang chủ"), url="home", order=0))
register_link(
    NavLink(key="procedures", label=_("Thủ tục hành chính"), url=PROCEDURES_URL, order=10)
)
register_link(
    NavLink(key="units", label=_("Cơ cấu đơn vị"), url=UNITS_URL, order=80, roles=STAFF_ROLES)
)
register_link(
    NavLink(
        key="admin",
        label=_("Quản trị"),
        url="admin:index",
        order=90,
        roles={Role.SYSTEM_ADMIN},
        staff=True,
    )
)

# The menu's areas (one place; apps only register links). A link key that no app
# registers is simply absent, so areas can name links of apps that land later.
register_group(
    NavGroup(
        key="area_one_stop",
        label=_("Một cửa"),
        order=20,
        members=(
            "dossiers",
            "dossier_intake",
            "dossier_leader",
            "floor",
            "notifications",
            "portal_sync",
        ),
    )
)
register_group(
    NavGroup(
        key="area_steering",
        label=_("Chỉ đạo, điều hành"),
        order=40,
        members=(
            "directives",
            "directive_documents",
            "directive_overview",
            "directive_records",
            "reports",
        ),
    )
)
register_group(
    NavGroup(
        key="area_measure",
        label=_("Đánh giá"),
        order=45,
        members=("index_766", "index_public", "assessments"),
    )
)
register_group(
    NavGroup(
        key="area_reform",
        label=_("Cải cách TTHC"),
        order=60,
        members=("reforms", "reform_proposals", "reform_community"),
    )
)
register_group(
    NavGroup(
        key="area_system",
        label=_("Hệ thống"),
        order=80,
        members=("units", "privacy_log", "admin"),
    )
)


def _procedures(order: int = 50) -> HomeCard:
    return HomeCard(
        key="procedures",
        title=_("Tra cứu thủ tục hành chính"),
        text=_("Danh mục thủ tục, thành phần hồ sơ, thời hạn giải quyết và phí, lệ phí."),
        url=PROCEDURES_URL,
        order=order,
    )


def _units(order: int = 60) -> HomeCard:
    return HomeCard(
        key="units",
        title=_("Cơ cấu đơn vị"),
        text=_("Cây đơn vị hành chính, cơ quan và bộ phận."),
        url=UNITS_URL,
        order=order,
    )


def _directives(order: int) -> HomeCard:
    return HomeCard(
        key="directives",
        title=_("Chỉ đạo, nhiệm vụ"),
        text=_("Giao nhiệm vụ từ thông báo kết luận và theo dõi tiến độ."),
        url="directives:overview",
        order=order,
    )


@home_widget(roles=[Role.ONE_STOP_OFFICER])
def one_stop_officer(role_home, home):
    yield HomeCard(
        key="dossier_intake",
        title=_("Tiếp nhận hồ sơ"),
        text=_("Kiểm tra thành phần, cấp giấy tiếp nhận và hẹn trả kết quả."),
        order=10,
    )
    yield HomeCard(
        key="dossier_return",
        title=_("Trả kết quả"),
        text=_("Hồ sơ đã có kết quả, chờ trả cho công dân, tổ chức."),
        order=20,
    )
    yield _procedures()


@home_widget(roles=[Role.SPECIALIST])
def specialist(role_home, home):
    yield HomeCard(
        key="dossier_inbox",
        title=_("Hồ sơ cần xử lý"),
        text=_("Hồ sơ được giao cho bạn, sắp xếp theo hạn xử lý."),
        order=10,
    )
    yield HomeCard(
        key="tasks",
        title=_("Nhiệm vụ được giao"),
        text=_("Nhiệm vụ từ thông báo kết luận, chỉ đạo của lãnh đạo."),
        url="directives:mine",
        order=30,
    )
    yield _procedures()


@home_widget(roles=[Role.UNIT_LEADER])
def unit_leader(role_home, home):
    yield HomeCard(
        key="dossier_approve",
        title=_("Hồ sơ chờ phê duyệt"),
        text=_("Kết quả xử lý chờ lãnh đạo đơn vị cho ý kiến."),
        order=10,
    )
    yield HomeCard(
        key="dossier_assign",
        title=_("Phân công xử lý"),
        text=_("Giao hồ sơ cho chuyên viên trong đơn vị."),
        order=20,
    )
    yield HomeCard(
        key="assessment_self",
        title=_("Tự đánh giá cải cách hành chính"),
        text=_("Chấm điểm Chỉ số cải cách hành chính của đơn vị."),
        order=40,
    )
    yield _units()


@home_widget(roles=[Role.CHAIRMAN])
def chairman(role_home, home):
    yield HomeCard(
        key="dossier_sign",
        title=_("Hồ sơ chờ ký duyệt"),
        text=_("Kết quả giải quyết thủ tục trình Chủ tịch, Phó Chủ tịch ký."),
        url="/dossiers/?kind=mine",
        order=10,
    )
    yield HomeCard(
        key="index_766",
        title=_("Chỉ số phục vụ người dân, doanh nghiệp"),
        text=_("Bộ chỉ số theo Quyết định 766/QĐ-TTg của địa phương."),
        order=20,
    )
    yield _directives(order=30)
    yield _units()


@home_widget(roles=[Role.HOME_AFFAIRS])
def home_affairs(role_home, home):
    yield HomeCard(
        key="assessment_appraise",
        title=_("Thẩm định Chỉ số cải cách hành chính"),
        text=_("Thẩm định kết quả tự đánh giá của các cơ quan, đơn vị."),
        order=10,
    )
    yield _directives(order=20)
    yield HomeCard(
        key="reports",
        title=_("Báo cáo định kỳ"),
        text=_("Báo cáo tình hình giải quyết thủ tục hành chính và cải cách hành chính."),
        url="reports:index",
        order=30,
    )
    yield _units()


@home_widget(roles=[Role.PARTNER_STAFF])
def partner_staff(role_home, home):
    yield HomeCard(
        key="postal_receive",
        title=_("Nhận hồ sơ qua dịch vụ bưu chính"),
        text=_("Hồ sơ công dân gửi qua bưu chính công ích, chờ chuyển đến Bộ phận Một cửa."),
        order=10,
    )
    yield HomeCard(
        key="postal_return",
        title=_("Trả kết quả qua dịch vụ bưu chính"),
        text=_("Kết quả cần chuyển phát đến địa chỉ của công dân, tổ chức."),
        url="/dossiers/?kind=to_return",
        order=20,
    )


@home_widget(roles=[Role.CITIZEN])
def citizen(role_home, home):
    yield _procedures(order=10)
    yield HomeCard(
        key="dossier_submit",
        title=_("Nộp hồ sơ trực tuyến"),
        text=_("Nộp hồ sơ thủ tục hành chính qua mạng."),
        order=20,
    )
    yield HomeCard(
        key="dossier_lookup",
        title=_("Tra cứu hồ sơ của tôi"),
        text=_("Theo dõi tình trạng, thời hạn và kết quả hồ sơ đã nộp."),
        order=30,
    )


@home_widget(roles=[Role.SYSTEM_ADMIN])
def system_admin(role_home, home):
    yield HomeCard(
        key="admin",
        title=_("Trang quản trị"),
        text=_("Quản trị dữ liệu hệ thống."),
        url="admin:index",
        order=10,
    )
    yield HomeCard(
        key="users",
        title=_("Người dùng và vai trò"),
        text=_("Tạo tài khoản, phân công vai trò theo đơn vị."),
        url="admin:accounts_user_changelist",
        order=20,
    )
    yield _units(order=30)
    yield _procedures(order=40)
