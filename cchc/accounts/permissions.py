"""The one permission module: which role may do what, and in which units.

Every service calls `require(...)` (or filters with `units_in_scope(...)`) before it
reads or writes unit-scoped data; views and APIs never decide permissions themselves.
A role assignment covers its unit, and the whole subtree below it when `include_subtree`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from cchc.accounts.models import Role, RoleAssignment

if TYPE_CHECKING:
    from cchc.accounts.models import User
    from cchc.units.models import Unit


class Action(StrEnum):
    # Dossiers (one-stop)
    DOSSIER_VIEW = "dossier.view"
    DOSSIER_RECEIVE = "dossier.receive"
    DOSSIER_PROCESS = "dossier.process"
    DOSSIER_ASSIGN = "dossier.assign"
    DOSSIER_APPROVE = "dossier.approve"
    DOSSIER_RETURN_RESULT = "dossier.return_result"
    DOSSIER_APOLOGISE = "dossier.apologise"
    DOSSIER_BLOCK_SUBJECT = "dossier.block_subject"
    DOSSIER_POSTAL_RECEIVE = "dossier.postal_receive"
    # Service centre floor: the registry of counters (who sits where, which sectors)
    COUNTER_MANAGE = "counter.manage"
    # Reference data
    UNIT_MANAGE = "unit.manage"
    PROCEDURE_MANAGE = "procedure.manage"
    CALENDAR_MANAGE = "calendar.manage"
    USER_MANAGE = "user.manage"
    # Steering
    REPORT_VIEW = "report.view"
    INDEX_VIEW = "index.view"
    DIRECTIVE_MANAGE = "directive.manage"
    DIRECTIVE_UPDATE = "directive.update"
    ASSESSMENT_SELF = "assessment.self"
    ASSESSMENT_APPRAISE = "assessment.appraise"
    # Synchronisation with the national portal: the dead-letter screen and its retries.
    PORTAL_SYNC_MANAGE = "portal_sync.manage"
    # Personal data (NĐ 13/2023): see applicants' identifiers in full (logged, with a
    # reason) and export everything held about one person on their request.
    PERSONAL_DATA_VIEW = "personal_data.view"
    PERSONAL_DATA_EXPORT = "personal_data.export"


_STAFF_READ = {Action.DOSSIER_VIEW, Action.REPORT_VIEW, Action.INDEX_VIEW}

ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.ONE_STOP_OFFICER: frozenset(
        _STAFF_READ
        | {
            Action.DOSSIER_RECEIVE,
            Action.DOSSIER_RETURN_RESULT,
            Action.DOSSIER_PROCESS,
            Action.PERSONAL_DATA_VIEW,
            Action.PORTAL_SYNC_MANAGE,
        }
    ),
    Role.SPECIALIST: frozenset(
        _STAFF_READ | {Action.DOSSIER_PROCESS, Action.DIRECTIVE_UPDATE, Action.PERSONAL_DATA_VIEW}
    ),
    Role.UNIT_LEADER: frozenset(
        _STAFF_READ
        | {
            Action.DOSSIER_PROCESS,
            Action.DOSSIER_ASSIGN,
            Action.DOSSIER_APPROVE,
            Action.DOSSIER_APOLOGISE,
            Action.DOSSIER_BLOCK_SUBJECT,
            Action.DIRECTIVE_UPDATE,
            Action.ASSESSMENT_SELF,
            Action.PERSONAL_DATA_VIEW,
            Action.PERSONAL_DATA_EXPORT,
            Action.COUNTER_MANAGE,
            Action.PORTAL_SYNC_MANAGE,
        }
    ),
    Role.CHAIRMAN: frozenset(
        _STAFF_READ
        | {
            Action.DOSSIER_APPROVE,
            Action.DOSSIER_ASSIGN,
            Action.DOSSIER_APOLOGISE,
            Action.DIRECTIVE_MANAGE,
            Action.DIRECTIVE_UPDATE,
            Action.ASSESSMENT_SELF,
        }
    ),
    Role.HOME_AFFAIRS: frozenset(
        _STAFF_READ | {Action.ASSESSMENT_APPRAISE, Action.DIRECTIVE_MANAGE, Action.DIRECTIVE_UPDATE}
    ),
    Role.PARTNER_STAFF: frozenset({Action.DOSSIER_POSTAL_RECEIVE, Action.DOSSIER_RETURN_RESULT}),
    # Citizens act on their own dossiers through the portal; no unit-scoped action.
    Role.CITIZEN: frozenset(),
    Role.SYSTEM_ADMIN: frozenset(
        {
            Action.UNIT_MANAGE,
            Action.PROCEDURE_MANAGE,
            Action.CALENDAR_MANAGE,
            Action.USER_MANAGE,
            Action.PERSONAL_DATA_EXPORT,
            Action.COUNTER_MANAGE,
            Action.PORTAL_SYNC_MANAGE,
            *_STAFF_READ,
        }
    ),
}

# Vietnamese wording of each refusal; the API maps PermissionDenied to its error shape.
DENIED_MESSAGE = gettext_noop("Bạn không có quyền thực hiện thao tác này tại đơn vị này.")


def _active_assignments(user: User, on: dt.date) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(user=user)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .select_related("unit")
    )


def _may_act(user: User | None) -> bool:
    # An inactive (locked) account keeps its assignments for the record but may do nothing.
    return bool(user is not None and user.is_authenticated and user.is_active)


def roles_for_action(action: Action) -> list[str]:
    return [role for role, actions in ROLE_ACTIONS.items() if action in actions]


def actions_for_roles(roles: Iterable[str]) -> frozenset[Action]:
    """Every action any of `roles` grants (in some unit)."""
    out: set[Action] = set()
    for role in roles:
        out |= ROLE_ACTIONS.get(role, frozenset())
    return frozenset(out)


def _covers(assignment: RoleAssignment, unit: Unit) -> bool:
    covered = assignment.unit
    if covered is None:
        return False
    if covered.pk == unit.pk:
        return True
    # A unit whose path was never computed ("") must not make the subtree "everything".
    return bool(
        assignment.include_subtree
        and covered.path
        and unit.path
        and unit.path.startswith(covered.path)
    )


def scope_filter(user: User, action: Action, *, field: str = "", on: dt.date | None = None) -> Q:
    """A Q over units (prefix `field`, e.g. "receiving_unit__") covered for `action`.

    Costs one query (the user's assignments); the Q then filters any queryset whose
    `field` leads to a Unit. Returns a Q that matches nothing when the user holds no
    suitable assignment.
    """
    nothing = Q(**{f"{field}pk__in": []})
    if not _may_act(user):
        return nothing
    on = on or timezone.localdate()
    q = nothing
    for assignment in _active_assignments(user, on).filter(role__in=roles_for_action(action)):
        unit = assignment.unit
        if unit is None:
            continue
        if assignment.include_subtree and unit.path:
            q |= Q(**{f"{field}path__startswith": unit.path})
        else:
            q |= Q(**{f"{field}pk": unit.pk})
    return q


def units_in_scope(user: User, action: Action, *, on: dt.date | None = None) -> QuerySet[Unit]:
    from cchc.units.models import Unit

    return Unit.objects.filter(scope_filter(user, action, on=on))


def has_permission(
    user: User, action: Action, unit: Unit | None, *, on: dt.date | None = None
) -> bool:
    if not _may_act(user) or unit is None:
        return False
    on = on or timezone.localdate()
    return any(
        _covers(assignment, unit)
        for assignment in _active_assignments(user, on).filter(role__in=roles_for_action(action))
    )


def require(user: User, action: Action, unit: Unit | None, *, on: dt.date | None = None) -> None:
    """Raise PermissionDenied (with a Vietnamese message) unless `user` may do `action` in `unit`."""
    if not has_permission(user, action, unit, on=on):
        raise PermissionDenied(gettext(DENIED_MESSAGE))


def has_any_permission(user: User, action: Action, *, on: dt.date | None = None) -> bool:
    """Whether `user` may do `action` in at least one unit (for actions not tied to one unit,
    e.g. creating an account, or for showing a menu entry)."""
    if not _may_act(user):
        return False
    on = on or timezone.localdate()
    return (
        _active_assignments(user, on)
        .filter(role__in=roles_for_action(action), unit__isnull=False)
        .exists()
    )


def require_any(user: User, action: Action, *, on: dt.date | None = None) -> None:
    if not has_any_permission(user, action, on=on):
        raise PermissionDenied(gettext(DENIED_MESSAGE))


def user_roles(user: User, *, on: dt.date | None = None) -> list[RoleAssignment]:
    """The assignments in force on `on` (default today); none for a locked account."""
    if not _may_act(user):
        return []
    return list(_active_assignments(user, on or timezone.localdate()).order_by("role", "pk"))
