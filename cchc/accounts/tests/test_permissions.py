import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from cchc.accounts.models import Role
from cchc.accounts.permissions import (
    DENIED_MESSAGE,
    ROLE_ACTIONS,
    Action,
    actions_for_roles,
    has_any_permission,
    has_permission,
    require,
    scope_filter,
    units_in_scope,
    user_roles,
)
from cchc.accounts.tests.conftest import grant, make_unit, make_user
from cchc.units.models import Unit

# The matrix as the business expects it: a change to ROLE_ACTIONS must change this table.
EXPECTED = {
    Role.ONE_STOP_OFFICER: {"dossier.view", "dossier.receive", "dossier.process", "dossier.return_result", "report.view", "index.view",
        "personal_data.view", "portal_sync.manage"},
    Role.SPECIALIST: {"dossier.view", "dossier.process", "directive.update", "report.view", "index.view", "personal_data.view"},
    Role.UNIT_LEADER: {
        "dossier.view", "dossier.process", "dossier.assign", "dossier.approve", "dossier.apologise",
        "dossier.block_subject", "directive.update", "assessment.self", "report.view", "index.view",
        "personal_data.view", "personal_data.export", "counter.manage", "portal_sync.manage",
    },
    Role.CHAIRMAN: {
        "dossier.view", "dossier.assign", "dossier.approve", "dossier.apologise", "directive.manage",
        "directive.update", "assessment.self", "report.view", "index.view",
    },
    Role.HOME_AFFAIRS: {
        "dossier.view", "assessment.appraise", "directive.manage", "directive.update", "report.view", "index.view",
    },
    Role.PARTNER_STAFF: {"dossier.postal_receive", "dossier.return_result"},
    Role.CITIZEN: set(),
    Role.SYSTEM_ADMIN: {
        "unit.manage", "procedure.manage", "calendar.manage", "user.manage", "dossier.view", "report.view", "index.view",
        "personal_data.export", "counter.manage", "portal_sync.manage",
    },
}  # fmt: skip


def test_every_role_has_an_entry_in_the_matrix():
    assert set(ROLE_ACTIONS) == set(Role.values)
    assert {r: {str(a) for a in acts} for r, acts in ROLE_ACTIONS.items()} == EXPECTED


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("action", list(Action))
def test_role_action_matrix_in_the_assigned_unit(tree, role, action):
    user = make_user("u")
    unit = None if role == Role.CITIZEN else tree["commune_a"]
    grant(user, role, unit)
    expected = action.value in EXPECTED[role] and unit is not None
    assert has_permission(user, action, tree["commune_a"]) is expected


def test_citizen_has_no_unit_scope(tree):
    user = make_user("dan")
    grant(user, Role.CITIZEN, None)
    assert not units_in_scope(user, Action.DOSSIER_VIEW).exists()
    assert not has_any_permission(user, Action.DOSSIER_VIEW)


def test_without_subtree_only_the_unit_itself(tree):
    user = make_user("cv")
    grant(user, Role.SPECIALIST, tree["commune_a"])
    assert has_permission(user, Action.DOSSIER_PROCESS, tree["commune_a"])
    assert not has_permission(user, Action.DOSSIER_PROCESS, tree["one_stop_a"])
    assert not has_permission(user, Action.DOSSIER_PROCESS, tree["province"])
    assert list(units_in_scope(user, Action.DOSSIER_PROCESS)) == [tree["commune_a"]]


def test_subtree_covers_descendants_but_not_ancestors_siblings_or_other_trees(tree):
    user = make_user("ld")
    grant(user, Role.UNIT_LEADER, tree["commune_a"], include_subtree=True)
    assert has_permission(user, Action.DOSSIER_APPROVE, tree["commune_a"])
    assert has_permission(user, Action.DOSSIER_APPROVE, tree["one_stop_a"])
    for outside in ("province", "commune_b", "other"):
        assert not has_permission(user, Action.DOSSIER_APPROVE, tree[outside])
    assert set(units_in_scope(user, Action.DOSSIER_APPROVE)) == {
        tree["commune_a"],
        tree["one_stop_a"],
    }


def test_path_prefix_does_not_leak_to_a_unit_whose_id_starts_the_same(tree):
    # "/1/" must not cover "/12/": paths end with a slash.
    user = make_user("ld")
    grant(user, Role.UNIT_LEADER, tree["province"], include_subtree=True)
    lookalike = make_unit("Lookalike", parent=None)
    lookalike.path = tree["province"].path.rstrip("/") + "9/"
    lookalike.save(update_fields=["path"])
    assert not has_permission(user, Action.DOSSIER_VIEW, lookalike)
    assert lookalike not in units_in_scope(user, Action.DOSSIER_VIEW)


def test_a_unit_without_a_path_never_covers_everything(tree):
    # Regression: a subtree grant on a unit whose path was never computed ("") used to
    # match every unit through startswith("").
    user = make_user("ld")
    pathless = Unit.objects.create(code="NOPATH", name="Chưa có path", kind="department")
    grant(user, Role.UNIT_LEADER, pathless, include_subtree=True)
    assert not has_permission(user, Action.DOSSIER_VIEW, tree["other"])
    assert set(units_in_scope(user, Action.DOSSIER_VIEW)) == {pathless}
    assert has_permission(user, Action.DOSSIER_VIEW, pathless)


def test_validity_dates_are_inclusive(tree):
    user = make_user("cv")
    grant(
        user,
        Role.SPECIALIST,
        tree["commune_a"],
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 6, 30),
    )
    unit = tree["commune_a"]
    assert not has_permission(user, Action.DOSSIER_VIEW, unit, on=dt.date(2025, 12, 31))
    assert has_permission(user, Action.DOSSIER_VIEW, unit, on=dt.date(2026, 1, 1))
    assert has_permission(user, Action.DOSSIER_VIEW, unit, on=dt.date(2026, 6, 30))
    assert not has_permission(user, Action.DOSSIER_VIEW, unit, on=dt.date(2026, 7, 1))
    assert not units_in_scope(user, Action.DOSSIER_VIEW, on=dt.date(2026, 7, 1)).exists()
    assert [a.unit for a in user_roles(user, on=dt.date(2026, 3, 1))] == [unit]
    assert user_roles(user, on=dt.date(2026, 7, 1)) == []


def test_inactive_user_may_do_nothing(tree):
    user = make_user("khoa")
    grant(user, Role.SYSTEM_ADMIN, tree["province"], include_subtree=True)
    assert has_permission(user, Action.USER_MANAGE, tree["commune_a"])
    user.is_active = False
    user.save()
    assert not has_permission(user, Action.USER_MANAGE, tree["commune_a"])
    assert not has_any_permission(user, Action.USER_MANAGE)
    # Regression: scope_filter ignored is_active.
    assert not units_in_scope(user, Action.USER_MANAGE).exists()
    assert user_roles(user) == []


def test_anonymous_user_has_nothing(tree):
    anon = AnonymousUser()
    assert not has_permission(anon, Action.DOSSIER_VIEW, tree["province"])
    assert not Unit.objects.filter(scope_filter(anon, Action.DOSSIER_VIEW)).exists()


def test_require_raises_with_the_vietnamese_message(tree):
    user = make_user("cv")
    grant(user, Role.SPECIALIST, tree["commune_a"])
    require(user, Action.DOSSIER_PROCESS, tree["commune_a"])
    with pytest.raises(PermissionDenied) as excinfo:
        require(user, Action.DOSSIER_APPROVE, tree["commune_a"])
    assert str(excinfo.value) == DENIED_MESSAGE
    with pytest.raises(PermissionDenied):
        require(user, Action.DOSSIER_PROCESS, tree["commune_b"])
    with pytest.raises(PermissionDenied):
        require(user, Action.DOSSIER_PROCESS, None)


def test_roles_in_different_units_do_not_mix(tree):
    # Specialist in A and leader in B: may approve only in B.
    user = make_user("mix")
    grant(user, Role.SPECIALIST, tree["commune_a"])
    grant(user, Role.UNIT_LEADER, tree["commune_b"])
    assert not has_permission(user, Action.DOSSIER_APPROVE, tree["commune_a"])
    assert has_permission(user, Action.DOSSIER_APPROVE, tree["commune_b"])
    assert set(units_in_scope(user, Action.DOSSIER_VIEW)) == {tree["commune_a"], tree["commune_b"]}


def test_actions_for_roles_is_the_union():
    assert actions_for_roles([]) == frozenset()
    assert actions_for_roles([Role.PARTNER_STAFF, Role.CITIZEN]) == ROLE_ACTIONS[Role.PARTNER_STAFF]
    assert Action.USER_MANAGE in actions_for_roles([Role.SPECIALIST, Role.SYSTEM_ADMIN])


def test_scope_filter_as_a_queryset_filter_through_a_relation(tree, django_assert_num_queries):
    """scope_filter(field=...) filters any model that points at a unit, in 1 + 1 queries."""
    user = make_user("ld")
    grant(user, Role.UNIT_LEADER, tree["commune_a"], include_subtree=True)
    grant(user, Role.UNIT_LEADER, tree["other"])
    for name in ("province", "commune_a", "one_stop_a", "commune_b", "other"):
        make_unit(f"Phòng thuộc {name}", parent=tree[name])
    # Unit.parent is a relation to a unit: "children of units in scope".
    with django_assert_num_queries(2):
        q = scope_filter(user, Action.DOSSIER_APPROVE, field="parent__")
        names = sorted(Unit.objects.filter(q).values_list("name", flat=True))
    assert names == [
        "Bộ phận Một cửa xã A",  # child of commune A
        "Phòng thuộc commune_a",
        "Phòng thuộc one_stop_a",
        "Phòng thuộc other",
    ]


def test_scope_filter_query_count_does_not_grow_with_assignments(tree, django_assert_num_queries):
    user = make_user("many")
    for i in range(10):
        grant(user, Role.SPECIALIST, make_unit(f"P{i}", parent=tree["commune_b"]))
    with django_assert_num_queries(2):
        assert len(list(units_in_scope(user, Action.DOSSIER_VIEW))) == 10
