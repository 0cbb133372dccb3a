import datetime as dt

from django.contrib.auth.models import AnonymousUser

from cchc.accounts.models import Role
from cchc.accounts.permissions import Action
from cchc.accounts.selectors import user_home_context
from cchc.accounts.tests.conftest import grant, make_user


def test_home_context_groups_assignments_by_role_in_a_fixed_order(tree, django_assert_num_queries):
    user = make_user("mix", full_name="Trần Thị B")
    grant(user, Role.SYSTEM_ADMIN, tree["province"])
    grant(user, Role.SPECIALIST, tree["commune_b"], title="Chuyên viên")
    grant(user, Role.SPECIALIST, tree["commune_a"])
    with django_assert_num_queries(1):
        home = user_home_context(user=user)
        roles = [r.role for r in home.roles]
        units = [[u.name for u in r.units] for r in home.roles]
    assert roles == [Role.SPECIALIST, Role.SYSTEM_ADMIN]  # the order of Role
    assert units == [["Xã A", "Xã B"], ["Tỉnh Thử"]]  # tree order within a role
    assert home.roles[0].label == "Chuyên viên xử lý"
    assert home.can(Action.USER_MANAGE) and home.can(Action.DOSSIER_PROCESS)
    assert not home.can(Action.DOSSIER_APPROVE)
    assert home.has_role(Role.SYSTEM_ADMIN) and not home.has_role(Role.CHAIRMAN)


def test_home_context_leaves_out_expired_roles_and_locked_accounts(tree):
    user = make_user("cu")
    grant(user, Role.CHAIRMAN, tree["commune_a"], valid_to=dt.date(2025, 6, 30))
    grant(user, Role.SPECIALIST, tree["commune_a"])
    assert [r.role for r in user_home_context(user=user).roles] == [Role.SPECIALIST]
    user.is_active = False
    assert user_home_context(user=user).roles == ()


def test_home_context_of_a_citizen_and_of_an_anonymous_visitor(db):
    citizen = make_user("dan")
    grant(citizen, Role.CITIZEN, None)
    home = user_home_context(user=citizen)
    assert [r.role for r in home.roles] == [Role.CITIZEN]
    assert home.roles[0].units == []
    assert user_home_context(user=AnonymousUser()).roles == ()
