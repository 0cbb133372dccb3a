"""Reads of the procedure catalog.

Which unit offers which procedure
---------------------------------
A version lists the unit *kinds* that implement it (`implementing_unit_kinds`, e.g.
["commune", "ward", "special_zone"] for a commune-level procedure, ["province"] for
a provincial one) and, optionally, explicit `implementing_units`.

A unit handles a version when it is one of the explicit units, or when one of its
*effective kinds* is listed. The effective kinds of a unit are its own kind plus, for
the bodies that receive and decide on behalf of a territory (one-stop centres and
People's Committees), the kind of their nearest territorial ancestor. Specialised
agencies and departments do not inherit it (a commune's economic office does not
handle civil status); they are named as explicit units. So the one-stop section of a commune
(kind `one_stop`, under the commune or under the commune's People's Committee)
offers the commune-level procedures, and the provincial Public Administration
Service Centre (`one_stop` under the province) offers the provincial ones. Since
NĐ 118/2025/NĐ-CP, centres receive dossiers regardless of administrative boundaries
within the province; the level still decides which centre offers which procedure.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.utils import formats, timezone

from cchc.accounts.permissions import Action, units_in_scope
from cchc.procedures.models import (
    ComponentRequirement,
    FeeItem,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    Sector,
)
from cchc.units.models import TERRITORIAL_KINDS, Unit, UnitKind
from cchc.units.text import normalize_vn

if TYPE_CHECKING:
    from cchc.accounts.models import User


def procedure_manage_allowed(*, user: User | Any) -> bool:
    """The catalog is province-wide reference data: PROCEDURE_MANAGE on any unit."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return units_in_scope(user, Action.PROCEDURE_MANAGE).exists()


def _in_force_q(at: dt.datetime, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": at}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": at})
    )


def procedure_version_in_force(*, procedure: Procedure, at: dt.datetime) -> ProcedureVersion:
    """The version that applied at `at` (valid_from <= at < valid_to)."""
    version = (
        ProcedureVersion.objects.filter(procedure=procedure)
        .filter(_in_force_q(at))
        .order_by("-number")
        .first()
    )
    if version is None:
        when = formats.date_format(timezone.localtime(at), "d/m/Y H:i")
        raise ValidationError(
            f"Thủ tục {procedure.code} không có phiên bản áp dụng tại thời điểm {when}.",
            code="no_version_in_force",
        )
    return version


# Units that act for their territory: they inherit its level (see the module doc).
TERRITORY_ACTING_KINDS = frozenset({UnitKind.ONE_STOP, UnitKind.PEOPLES_COMMITTEE})


def unit_effective_kinds(*, unit: Unit) -> set[str]:
    """The unit's own kind, plus its territory's kind for one-stops and committees."""
    kinds = {unit.kind}
    if unit.kind not in TERRITORY_ACTING_KINDS:
        return kinds
    ancestor_ids = [pk for pk in unit.ancestor_ids if pk != unit.pk]
    cache = {
        u.pk: u for u in Unit.objects.filter(pk__in=ancestor_ids).only("pk", "kind", "parent_id")
    }
    # Walk up from the parent so the nearest territorial ancestor wins; fall back to
    # one query per level if the materialised path is missing.
    parent_id, seen = unit.parent_id, set()
    while parent_id and parent_id not in seen:
        seen.add(parent_id)
        current = cache.get(parent_id) or Unit.objects.filter(pk=parent_id).first()
        if current is None:
            break
        if current.kind in TERRITORIAL_KINDS:
            kinds.add(current.kind)
            break
        parent_id = current.parent_id
    return kinds


def _with_details(qs: QuerySet[ProcedureVersion]) -> QuerySet[ProcedureVersion]:
    return qs.select_related("procedure__sector").prefetch_related(
        Prefetch("fees", queryset=FeeItem.objects.order_by("pk")),
        Prefetch("components", queryset=ComponentRequirement.objects.order_by("order")),
        Prefetch("steps", queryset=ProcessStep.objects.order_by("order")),
        "implementing_units",
    )


def procedures_for_unit(*, unit: Unit, at: dt.datetime | None = None) -> QuerySet[ProcedureVersion]:
    """Versions in force at `at` (default now) that `unit` handles (see module doc)."""
    at = at or timezone.now()
    kinds = unit_effective_kinds(unit=unit)
    in_force = ProcedureVersion.objects.filter(_in_force_q(at), procedure__is_active=True)
    # JSON "contains" is not available on SQLite, so the kind match runs in Python
    # over (id, kinds) pairs; the catalog has hundreds of rows, not millions.
    ids = [
        pk
        for pk, version_kinds in in_force.values_list("pk", "implementing_unit_kinds")
        if kinds.intersection(version_kinds or [])
    ]
    return _with_details(
        ProcedureVersion.objects.filter(
            Q(pk__in=ids) | Q(pk__in=in_force.filter(implementing_units=unit))
        )
    ).order_by("procedure__code")


def procedure_version_is_handled_by(*, version: ProcedureVersion, unit: Unit) -> bool:
    if version.implementing_units.filter(pk=unit.pk).exists():
        return True
    return bool(unit_effective_kinds(unit=unit).intersection(version.implementing_unit_kinds or []))


def procedure_catalog(
    *,
    text: str | None = None,
    sector: Sector | str | None = None,
    level: str | None = None,
    online_level: str | None = None,
    at: dt.datetime | None = None,
) -> QuerySet[ProcedureVersion]:
    """Versions in force (default now) of active procedures, filtered, details prefetched."""
    at = at or timezone.now()
    qs = ProcedureVersion.objects.filter(_in_force_q(at), procedure__is_active=True)
    if text:
        # Diacritic-insensitive: "khai sinh", "khai sinh" and "KHAI SINH" all match.
        for word in normalize_vn(text).split():
            qs = qs.filter(procedure__search_text__contains=word)
    if sector:
        qs = qs.filter(
            procedure__sector__code=sector.code if isinstance(sector, Sector) else sector
        )
    if level:
        qs = qs.filter(level=level)
    if online_level:
        qs = qs.filter(online_level=online_level)
    return _with_details(qs).order_by("procedure__sector__name", "procedure__code")


def sector_list() -> QuerySet[Sector]:
    return Sector.objects.order_by("name")


def procedure_get(*, code: str) -> Procedure:
    """A procedure with all its versions and their details (for the detail page)."""
    versions = _with_details(ProcedureVersion.objects.order_by("-number"))
    return (
        Procedure.objects.select_related("sector")
        .prefetch_related(Prefetch("versions", queryset=versions))
        .get(code=code)
    )
