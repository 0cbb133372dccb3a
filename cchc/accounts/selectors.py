"""Reads about users and their roles."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from cchc.accounts.models import Role, RoleAssignment, User
from cchc.accounts.permissions import Action, actions_for_roles, user_roles

_ROLE_ORDER = {role: i for i, role in enumerate(Role.values)}


@dataclass(frozen=True)
class RoleHome:
    """One of the user's roles with the units where it applies."""

    role: str
    label: str
    assignments: tuple[RoleAssignment, ...]
    actions: frozenset[Action]

    @property
    def units(self) -> list:
        return [a.unit for a in self.assignments if a.unit is not None]


@dataclass(frozen=True)
class HomeContext:
    """What the signed-in home page needs: who the user is and what each role may do."""

    user: User
    on: dt.date
    roles: tuple[RoleHome, ...] = field(default_factory=tuple)

    @property
    def role_values(self) -> frozenset[str]:
        return frozenset(r.role for r in self.roles)

    @property
    def actions(self) -> frozenset[Action]:
        return actions_for_roles(self.role_values)

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_values.intersection(roles))

    def can(self, action: Action) -> bool:
        """Whether some role of the user grants `action` in at least one unit (menus, cards)."""
        return any(action in r.actions and (r.units or r.role == Role.CITIZEN) for r in self.roles)


def user_home_context(*, user: User, on: dt.date | None = None) -> HomeContext:
    """The user's roles in force on `on` (default today), grouped by role in a fixed order.

    One query (the assignments with their units); none for an anonymous or locked user.
    """
    on = on or timezone.localdate()
    if not user.is_authenticated:
        return HomeContext(user=user, on=on)
    by_role: dict[str, list[RoleAssignment]] = {}
    for assignment in user_roles(user, on=on):
        by_role.setdefault(assignment.role, []).append(assignment)
    roles = tuple(
        RoleHome(
            role=role,
            label=str(Role(role).label),
            assignments=tuple(sorted(items, key=lambda a: (a.unit.path if a.unit else "", a.pk))),
            actions=actions_for_roles([role]),
        )
        for role, items in sorted(by_role.items(), key=lambda kv: _ROLE_ORDER.get(kv[0], 99))
    )
    return HomeContext(user=user, on=on, roles=roles)
