"""Reads of the organisation tree.

`on` is a date: only units valid on that day are returned; `on=None` means no date
filter (history included), except where a function says otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from cchc.units.models import Unit, UnitQuerySet, UnitSuccession, path_ids
from cchc.units.text import normalize_vn, strip_org_prefix


def _dated(qs: UnitQuerySet, on: dt.date | None) -> UnitQuerySet:
    return qs.active_on(on) if on is not None else qs


def unit_subtree(*, unit: Unit, on: dt.date | None = None) -> QuerySet[Unit]:
    """`unit` and every unit below it (one query, via the materialised path)."""
    return _dated(Unit.objects.subtree_of(unit), on).select_related("parent")


def unit_children(*, unit: Unit, on: dt.date | None = None) -> QuerySet[Unit]:
    return _dated(Unit.objects.filter(parent=unit), on).order_by("name")


def unit_children_holding(*, unit: Unit) -> tuple[list[Unit], dict[int, Unit]]:
    """`unit`'s children (by code), and for every unit id of its subtree below them the
    child whose subtree holds it (two queries): rankings of subordinate units sum their
    descendants' figures into the child."""
    children = list(Unit.objects.filter(parent=unit).order_by("code"))
    holder: dict[int, Unit] = {}
    if children:
        by_pk = {c.pk: c for c in children}
        below = len(unit.ancestor_ids)
        for pk, path in Unit.objects.subtree_of(unit).values_list("pk", "path"):
            ids = path_ids(path)
            if len(ids) > below and ids[below] in by_pk:
                holder[pk] = by_pk[ids[below]]
    return children, holder


def unit_ancestors(*, unit: Unit) -> list[Unit]:
    """From the root down to the parent of `unit` (one query)."""
    ids = unit.ancestor_ids[:-1]
    return list(Unit.objects.filter(pk__in=ids).order_by("depth")) if ids else []


def unit_get_by_code(*, code: str) -> Unit | None:
    """By internal code, else by electronic agency code; None when neither matches."""
    code = (code or "").strip()
    if not code:
        return None
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        unit = Unit.objects.filter(agency_code=code.upper()).order_by("-valid_from").first()
    return unit


def unit_current_successors(*, unit: Unit, on: dt.date) -> list[Unit]:
    """The units valid on `on` that `unit` became, following old→new links transitively.

    A unit valid on `on` is its own answer. One query per generation of successions.
    """
    unit = Unit.objects.get(pk=unit.pk)  # validity as stored, not as the caller last saw it
    if unit.is_active_on(on):
        return [unit]
    found: dict[int, Unit] = {}
    seen = {unit.pk}
    frontier = [unit.pk]
    while frontier:
        links = UnitSuccession.objects.filter(predecessor_id__in=frontier).select_related(
            "successor"
        )
        frontier = []
        for link in links:
            successor = link.successor
            if successor.pk in seen:
                continue
            seen.add(successor.pk)
            if successor.is_active_on(on):
                found[successor.pk] = successor
            else:
                frontier.append(successor.pk)
    return sorted(found.values(), key=lambda u: (u.path, u.name))


def unit_predecessors(*, unit: Unit) -> list[UnitSuccession]:
    return list(unit.successions_in.select_related("predecessor").order_by("predecessor__name"))


@dataclass
class TreeNode:
    unit: Unit
    children: list[TreeNode] = field(default_factory=list)
    # Direct successors of a closed unit (filled when unit_tree(with_successors=True)).
    successors: list[Unit] = field(default_factory=list)


def _sort_key(unit: Unit) -> tuple:
    # Organisations (People's Committee, agencies…) first, then territories, by name.
    from cchc.units.models import TERRITORIAL_KINDS

    return (unit.kind in TERRITORIAL_KINDS, normalize_vn(unit.name), unit.code)


def unit_tree(
    *,
    root: Unit | None = None,
    on: dt.date | None = None,
    roots: Sequence[Unit] | None = None,
    max_depth: int | None = None,
    with_successors: bool = False,
) -> list[TreeNode]:
    """The tree below `root` (or each of `roots`; or every top-level unit), as nested nodes.

    `max_depth` limits how many levels below each shown root are included (0: roots only).
    `with_successors` adds, in one more query, what each closed unit became.

    One query whatever the size. With `on`, a unit appears only if it and all its
    ancestors up to the shown root are valid that day (the tree as it was on that date).
    """
    if root is not None:
        roots = [root]
    if roots is not None:
        roots = [r for r in roots if on is None or r.is_active_on(on)]
        # Drop roots already inside another root's subtree.
        roots = [
            r for r in roots if not any(o.pk != r.pk and r.path.startswith(o.path) for o in roots)
        ]
        if not roots:
            return []
        cond = Q(pk__in=[])
        for r in roots:
            part = Q(path__startswith=r.path)
            if max_depth is not None:
                part &= Q(depth__lte=r.depth + max_depth)
            cond |= part
        units = list(_dated(Unit.objects.filter(cond), on))
        root_ids = {r.pk for r in roots}
    else:
        qs = Unit.objects.all() if max_depth is None else Unit.objects.filter(depth__lte=max_depth)
        units = list(_dated(qs, on))
        root_ids = {u.pk for u in units if u.parent_id is None}
    nodes = {u.pk: TreeNode(u) for u in units}
    top: list[TreeNode] = []
    for u in units:
        node = nodes[u.pk]
        if u.pk in root_ids:
            top.append(node)
        elif u.parent_id in nodes:
            nodes[u.parent_id].children.append(node)
    closed = [u.pk for u in units if u.valid_to is not None]
    if with_successors and closed:
        links = UnitSuccession.objects.filter(predecessor_id__in=closed).select_related("successor")
        for link in links.order_by("successor__name"):
            nodes[link.predecessor_id].successors.append(link.successor)
    for node in nodes.values():
        node.children.sort(key=lambda n: _sort_key(n.unit))
    top.sort(key=lambda n: _sort_key(n.unit))
    return top


def unit_search(*, text: str, on: dt.date | None = None, limit: int = 50) -> list[Unit]:
    """Units whose name, short name or codes contain `text`, ignoring diacritics and case.

    "phu phong", "Phú Phong", "PHÚ  PHONG" and "UBND thị trấn Phú Phong" find the same units. Exact name matches
    come first, then higher levels (provinces before communes).
    """
    needle = normalize_vn(text)
    if not needle:
        return []
    # "UBND xã Phú Phong" finds the commune (and its People's Committee unit, if any).
    needle = strip_org_prefix(needle) or needle
    qs = _dated(Unit.objects.filter(search_text__contains=needle), on).select_related("parent")
    units = list(qs.order_by("depth", "name")[: max(limit * 4, limit)])
    units.sort(
        key=lambda u: (
            normalize_vn(u.name) != needle and normalize_vn(u.short_name) != needle,
            u.depth,
            normalize_vn(u.name),
        )
    )
    return units[:limit]
