"""Menu entry and home cards of the 766 index (see cchc.core.navigation)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cchc.accounts.models import Role
from cchc.accounts.permissions import Action
from cchc.core.navigation import HomeCard, NavLink, home_widget, register_link

register_link(
    NavLink(
        key="index_766",
        label=_("Chỉ số 766"),
        url="indices:dashboard",
        action=Action.INDEX_VIEW,
        order=40,
    )
)


@home_widget(roles=[Role.CHAIRMAN, Role.UNIT_LEADER])
def leader(role_home, home):
    yield HomeCard(
        key="index_766",
        title=_("Chỉ số phục vụ người dân, doanh nghiệp"),
        text=_("Bộ chỉ số theo Quyết định 766/QĐ-TTg: điểm, xếp hạng và hồ sơ làm mất điểm."),
        url="indices:dashboard",
        order=20,
    )


register_link(
    NavLink(key="index_public", label=_("Bảng điểm phục vụ"), url="indices:public", order=45)
)
