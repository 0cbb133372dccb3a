"""Menu entry and home cards of the reform assessments (see cchc.core.navigation)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cchc.accounts.models import Role
from cchc.core.navigation import HomeCard, NavLink, home_widget, register_link

ROLES = {Role.UNIT_LEADER, Role.CHAIRMAN, Role.HOME_AFFAIRS}

register_link(
    NavLink(
        key="assessments", label=_("Chỉ số CCHC"), url="assessments:index", order=50, roles=ROLES
    )
)


@home_widget(roles=[Role.CHAIRMAN, Role.UNIT_LEADER])
def unit_card(role_home, home):
    yield HomeCard(
        key="assessment_self",
        title=_("Tự đánh giá Chỉ số cải cách hành chính"),
        text=_("Chấm điểm từng tiêu chí, đính kèm tài liệu kiểm chứng, gửi Sở Nội vụ thẩm định."),
        url="assessments:index",
        order=30,
    )


@home_widget(roles=[Role.HOME_AFFAIRS])
def appraiser_card(role_home, home):
    yield HomeCard(
        key="assessment_appraise",
        title=_("Thẩm định Chỉ số CCHC, DDCI, SIPAS"),
        text=_("Thẩm định kết quả tự chấm, xếp hạng, tồn tại hạn chế, đánh giá người đứng đầu."),
        url="assessments:index",
        order=10,
    )
