"""Writes to the organisation tree.

Every function is keyword-only, runs in one transaction, checks permission
(Action.UNIT_MANAGE; `actor=None` means the system, e.g. a management command),
validates, then mutates. The materialised path ("/1/7/42/") and depth are maintained
here and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr

from cchc.accounts.permissions import DENIED_MESSAGE, Action, require
from cchc.units.models import Unit, UnitKind, UnitSuccession
from cchc.units.text import normalize_vn

if TYPE_CHECKING:
    from cchc.accounts.models import User

# QĐ 20/2020/QĐ-TTg, Art. 4: the electronic agency code (mã định danh điện tử) uses only
# the letters A–Z, the digits 0–9 and the dot separating its groups, at most 35 characters.
# An empty group (leading, trailing or doubled dot) is not a code.
AGENCY_CODE_MAX_LENGTH = 35
_AGENCY_CODE_RE = re.compile(r"^[A-Z0-9]+(\.[A-Z0-9]+)*$")
_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

_UPDATABLE_FIELDS = frozenset(
    {
        "name",
        "short_name",
        "kind",
        "agency_code",
        "admin_code",
        "valid_from",
        "valid_to",
        "address",
        "phone",
        "email",
    }
)


# --- validation (pure) --------------------------------------------------------------------


def validate_agency_code(agency_code: str) -> None:
    """Refuse an agency code that QĐ 20/2020/QĐ-TTg Art. 4 does not allow."""
    if not agency_code:
        return
    if len(agency_code) > AGENCY_CODE_MAX_LENGTH:
        raise ValidationError(
            {
                "agency_code": ValidationError(
                    "Mã định danh điện tử dài tối đa %(max)d ký tự (QĐ 20/2020/QĐ-TTg, Điều 4).",
                    code="agency_code_too_long",
                    params={"max": AGENCY_CODE_MAX_LENGTH},
                )
            }
        )
    if not _AGENCY_CODE_RE.match(agency_code):
        raise ValidationError(
            {
                "agency_code": ValidationError(
                    "Mã định danh điện tử chỉ gồm chữ in hoa A–Z, chữ số 0–9 và dấu chấm "
                    "phân cách các nhóm (QĐ 20/2020/QĐ-TTg, Điều 4).",
                    code="agency_code_invalid",
                )
            }
        )


def _validate_code(code: str) -> None:
    if not code or not _CODE_RE.match(code) or len(code) > 64:
        raise ValidationError(
            {
                "code": ValidationError(
                    "Mã đơn vị chỉ gồm chữ, số, dấu chấm, gạch ngang, gạch dưới (tối đa 64 ký tự).",
                    code="code_invalid",
                )
            }
        )


def _validate_name(name: str) -> None:
    if not name or not name.strip():
        raise ValidationError(
            {"name": ValidationError("Tên đơn vị không được để trống.", code="required")}
        )


def _validate_kind(kind: str) -> None:
    if kind not in UnitKind.values:
        raise ValidationError(
            {
                "kind": ValidationError(
                    "Loại đơn vị không hợp lệ: %(kind)s.",
                    code="kind_invalid",
                    params={"kind": kind},
                )
            }
        )


def _fmt(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def validate_validity(
    *,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    parent: Unit | None,
) -> None:
    """A unit's validity must be a range, and lie within its parent's.

    A unit cannot exist on a day its parent does not (a commune outliving its district,
    a department outliving its agency); None means unbounded on that side.
    """
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError(
            {
                "valid_to": ValidationError(
                    "Ngày hết hiệu lực (%(to)s) không được trước ngày bắt đầu hiệu lực (%(from)s).",
                    code="valid_range",
                    params={"to": _fmt(valid_to), "from": _fmt(valid_from)},
                )
            }
        )
    if parent is None:
        return
    if parent.valid_from and (valid_from is None or valid_from < parent.valid_from):
        raise ValidationError(
            {
                "valid_from": ValidationError(
                    "Đơn vị không thể có hiệu lực trước đơn vị cấp trên “%(parent)s” (từ %(pfrom)s).",
                    code="valid_from_before_parent",
                    params={"parent": parent.name, "pfrom": _fmt(parent.valid_from)},
                )
            }
        )
    if parent.valid_to and (valid_to is None or valid_to > parent.valid_to):
        raise ValidationError(
            {
                "valid_to": ValidationError(
                    "Đơn vị không thể còn hiệu lực sau khi đơn vị cấp trên “%(parent)s” hết hiệu lực (%(pto)s).",
                    code="valid_to_after_parent",
                    params={"parent": parent.name, "pto": _fmt(parent.valid_to)},
                )
            }
        )


def search_text_for(
    *, name: str, short_name: str = "", code: str = "", admin_code: str = "", agency_code: str = ""
) -> str:
    # "|" keeps a query from matching across two fields ("Phong Phú" + "Phú…").
    parts = [name, short_name, code, admin_code, agency_code]
    return "|".join(normalize_vn(p) for p in parts if p)[:512]


# --- permission ---------------------------------------------------------------------------


def _check(actor: User | None, unit: Unit | None) -> None:
    """actor=None is the system itself (management commands, data import)."""
    if actor is None:
        return
    if unit is None:
        # A new root (a province) is a change to the national list: system only.
        raise PermissionDenied(DENIED_MESSAGE)
    require(actor, Action.UNIT_MANAGE, unit)


# --- writes -------------------------------------------------------------------------------


def _path_for(parent: Unit | None, pk: int) -> tuple[str, int]:
    if parent is None:
        return f"/{pk}/", 0
    return f"{parent.path}{pk}/", parent.depth + 1


@transaction.atomic
def unit_create(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None = None,
    agency_code: str = "",
    admin_code: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    short_name: str = "",
    address: str = "",
    phone: str = "",
    email: str = "",
    actor: User | None = None,
) -> Unit:
    """Create a unit under `parent` (None: a root, e.g. a province).

    When the parent's validity is bounded and the new unit leaves that side open, it
    inherits the parent's bound (an agency created in a commune lives as long as it).
    """
    _check(actor, parent)
    if parent is not None:
        # Fresh path and validity: the caller's instance may predate a move or a close.
        parent = Unit.objects.get(pk=parent.pk)
    code = code.strip()
    name = name.strip()
    _validate_code(code)
    _validate_name(name)
    _validate_kind(kind)
    validate_agency_code(agency_code)
    if parent is not None:
        valid_from = valid_from or parent.valid_from
        valid_to = valid_to or parent.valid_to
    validate_validity(valid_from=valid_from, valid_to=valid_to, parent=parent)
    if Unit.objects.filter(code=code).exists():
        raise ValidationError(
            {
                "code": ValidationError(
                    "Mã đơn vị “%(code)s” đã tồn tại.", code="code_taken", params={"code": code}
                )
            }
        )
    unit = Unit(
        code=code,
        name=name,
        short_name=short_name.strip(),
        kind=kind,
        parent=parent,
        agency_code=agency_code,
        admin_code=admin_code.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        address=address,
        phone=phone,
        email=email,
        search_text=search_text_for(
            name=name,
            short_name=short_name,
            code=code,
            admin_code=admin_code,
            agency_code=agency_code,
        ),
    )
    unit.full_clean(exclude=["path", "depth", "parent"])
    unit.save()
    unit.path, unit.depth = _path_for(parent, unit.pk)
    unit.save(update_fields=["path", "depth"])
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, actor: User | None = None, **changes) -> Unit:
    """Change a unit's own fields. Moving is `unit_move`; closing is `unit_close`."""
    _check(actor, unit)
    unknown = set(changes) - _UPDATABLE_FIELDS
    if unknown:
        raise ValidationError(
            "Không thể sửa trường %(fields)s bằng thao tác này.",
            code="field_not_updatable",
            params={"fields": ", ".join(sorted(unknown))},
        )
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    for key, value in changes.items():
        setattr(
            unit, key, value.strip() if isinstance(value, str) and key != "agency_code" else value
        )
    _validate_name(unit.name)
    _validate_kind(unit.kind)
    validate_agency_code(unit.agency_code)
    validate_validity(valid_from=unit.valid_from, valid_to=unit.valid_to, parent=unit.parent)
    _validate_children_fit(unit)
    unit.search_text = search_text_for(
        name=unit.name,
        short_name=unit.short_name,
        code=unit.code,
        admin_code=unit.admin_code,
        agency_code=unit.agency_code,
    )
    unit.full_clean(exclude=["path", "depth", "parent"])
    unit.save()
    return unit


def _validate_children_fit(unit: Unit) -> None:
    """Narrowing a unit's validity must not leave a child valid outside it."""
    outside = Q()
    has_bound = False
    if unit.valid_from:
        outside |= Q(valid_from__isnull=True) | Q(valid_from__lt=unit.valid_from)
        has_bound = True
    if unit.valid_to:
        outside |= Q(valid_to__isnull=True) | Q(valid_to__gt=unit.valid_to)
        has_bound = True
    if not has_bound:
        return
    child = unit.children.filter(outside).order_by("code").first()
    if child is not None:
        raise ValidationError(
            "Đơn vị trực thuộc “%(child)s” có thời gian hiệu lực nằm ngoài thời gian hiệu lực mới.",
            code="child_outside_validity",
            params={"child": child.name},
        )


@transaction.atomic
def unit_move(*, unit: Unit, new_parent: Unit | None, actor: User | None = None) -> Unit:
    """Put `unit` (and its whole subtree) under `new_parent`.

    The subtree's paths are rewritten by one UPDATE (prefix swap), whatever its size.
    """
    _check(actor, unit)
    if new_parent is not None:
        _check(actor, new_parent)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if new_parent is not None:
        new_parent = Unit.objects.get(pk=new_parent.pk)
        if new_parent.path.startswith(unit.path):
            raise ValidationError(
                {
                    "parent": ValidationError(
                        "Không thể chuyển đơn vị vào chính nó hoặc đơn vị trực thuộc của nó.",
                        code="move_into_self",
                    )
                }
            )
    if (new_parent.pk if new_parent else None) == unit.parent_id:
        return unit
    validate_validity(valid_from=unit.valid_from, valid_to=unit.valid_to, parent=new_parent)
    old_path, old_depth = unit.path, unit.depth
    new_path, new_depth = _path_for(new_parent, unit.pk)
    Unit.objects.filter(pk=unit.pk).update(parent=new_parent)
    # Substr is 1-based: keep what follows the old prefix.
    Unit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + (new_depth - old_depth),
    )
    unit.refresh_from_db()
    return unit


def validate_close(*, unit: Unit, valid_to: dt.date, successors: Sequence[Unit]) -> None:
    """The checks of `unit_close`, usable by forms before anything is written."""
    if unit.valid_to is not None and unit.valid_to != valid_to:
        raise ValidationError(
            {
                "valid_to": ValidationError(
                    "Đơn vị “%(unit)s” đã hết hiệu lực từ ngày %(to)s.",
                    code="already_closed",
                    params={"unit": unit.name, "to": _fmt(unit.valid_to)},
                )
            }
        )
    if unit.valid_from and valid_to < unit.valid_from:
        raise ValidationError(
            {
                "valid_to": ValidationError(
                    "Ngày hết hiệu lực (%(to)s) không được trước ngày bắt đầu hiệu lực (%(from)s).",
                    code="valid_range",
                    params={"to": _fmt(valid_to), "from": _fmt(unit.valid_from)},
                )
            }
        )
    effective = valid_to + dt.timedelta(days=1)
    for successor in successors:
        if successor.pk == unit.pk:
            raise ValidationError(
                {
                    "successors": ValidationError(
                        "Đơn vị không thể kế thừa chính nó.", code="self_successor"
                    )
                }
            )
        if not successor.is_active_on(effective):
            raise ValidationError(
                {
                    "successors": ValidationError(
                        "Đơn vị kế thừa “%(unit)s” không có hiệu lực vào ngày %(day)s.",
                        code="successor_inactive",
                        params={"unit": successor.name, "day": _fmt(effective)},
                    )
                }
            )


@transaction.atomic
def unit_close(
    *,
    unit: Unit,
    valid_to: dt.date,
    successors: Sequence[Unit] = (),
    legal_basis: str = "",
    actor: User | None = None,
) -> Unit:
    """End a unit's validity on `valid_to` (inclusive) and record its successors.

    Units still open below it close on the same day, since a child cannot outlive its
    parent (e.g. the communes of a district merged on 1/7/2025). Each successor must be
    valid on the day after `valid_to`. Closing again on the same day only adds the
    successions not yet recorded, so imports can be re-run.
    """
    _check(actor, unit)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    successors = list(Unit.objects.filter(pk__in=[s.pk for s in successors]).order_by("pk"))
    validate_close(unit=unit, valid_to=valid_to, successors=successors)
    effective = valid_to + dt.timedelta(days=1)
    late = Unit.objects.subtree_of(unit).filter(valid_from__gt=valid_to).order_by("path").first()
    if late is not None:
        raise ValidationError(
            {
                "valid_to": ValidationError(
                    "Đơn vị trực thuộc “%(child)s” chỉ bắt đầu hiệu lực từ %(from)s, sau ngày hết hiệu lực.",
                    code="child_starts_later",
                    params={"child": late.name, "from": _fmt(late.valid_from)},
                )
            }
        )
    if unit.valid_to is None:
        Unit.objects.subtree_of(unit).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=valid_to)
        ).update(valid_to=valid_to)
        unit.valid_to = valid_to
    existing = set(unit.successions_out.values_list("successor_id", flat=True))
    UnitSuccession.objects.bulk_create(
        [
            UnitSuccession(
                predecessor=unit,
                successor=successor,
                effective_date=effective,
                legal_basis=legal_basis,
            )
            for successor in {s.pk: s for s in successors}.values()
            if successor.pk not in existing
        ]
    )
    return unit


# --- bulk import of reference data ---------------------------------------------------------


@dataclass(frozen=True)
class UnitRow:
    """One unit of an official list; `parent_code` is the internal code of its parent."""

    code: str
    name: str
    kind: str
    parent_code: str = ""
    admin_code: str = ""
    short_name: str = ""
    agency_code: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    successions_created: int = 0
    errors: list[str] = field(default_factory=list)


_ROW_FIELDS = ("name", "short_name", "kind", "admin_code", "agency_code", "valid_from", "valid_to")


@transaction.atomic
def units_import(*, rows: Iterable[UnitRow], actor: User | None = None) -> ImportResult:
    """Create or update units from an official list, by internal code, in bulk.

    Rows must list parents before children. Idempotent: a second run with the same rows
    changes nothing. A changed parent is applied with `unit_move`. Any invalid row
    aborts the whole import (one transaction) with a ValidationError naming the row.
    """
    if actor is not None:
        _check(actor, None)
    rows = list(rows)
    result = ImportResult()
    by_code: dict[str, Unit] = {
        u.code: u for u in Unit.objects.filter(code__in=[r.code for r in rows])
    }
    parent_codes = {r.parent_code for r in rows if r.parent_code} - by_code.keys()
    by_code.update({u.code: u for u in Unit.objects.filter(code__in=parent_codes)})

    def fail(line: int, row: UnitRow, error: ValidationError) -> None:
        messages = "; ".join(error.messages)
        raise ValidationError(
            "Dòng %(line)d (mã %(code)s): %(msg)s",
            code="import_row_invalid",
            params={"line": line, "code": row.code, "msg": messages},
        )

    # Group rows by their depth in the file so that each level is one bulk_create.
    pending: list[tuple[int, UnitRow]] = list(enumerate(rows, start=1))
    while pending:
        pending_codes = {r.code for _, r in pending}
        # A row is ready when its parent is not among the rows still waiting.
        level = [(i, r) for i, r in pending if r.parent_code not in pending_codes]
        if not level:
            i, r = pending[0]
            fail(i, r, ValidationError("Vòng lặp đơn vị cấp trên."))
        level_codes = {r.code for _, r in level}
        pending = [(i, r) for i, r in pending if r.code not in level_codes]
        _import_level(level, by_code, result, fail)
    return result


def _import_level(level, by_code: dict[str, Unit], result: ImportResult, fail) -> None:
    to_create: list[Unit] = []
    to_update: list[Unit] = []
    to_move: list[tuple[Unit, Unit | None]] = []
    for line, row in level:
        try:
            _validate_code(row.code)
            _validate_name(row.name)
            _validate_kind(row.kind)
            validate_agency_code(row.agency_code)
            parent = by_code.get(row.parent_code) if row.parent_code else None
            if row.parent_code and parent is None:
                raise ValidationError(
                    "Không tìm thấy đơn vị cấp trên “%(p)s”.", params={"p": row.parent_code}
                )
            validate_validity(valid_from=row.valid_from, valid_to=row.valid_to, parent=parent)
        except ValidationError as error:
            fail(line, row, error)
        search_text = search_text_for(
            name=row.name,
            short_name=row.short_name,
            code=row.code,
            admin_code=row.admin_code,
            agency_code=row.agency_code,
        )
        unit = by_code.get(row.code)
        if unit is None:
            unit = Unit(
                code=row.code,
                parent=parent,
                search_text=search_text,
                **{f: getattr(row, f) for f in _ROW_FIELDS},
            )
            to_create.append(unit)
            continue
        changed = [f for f in _ROW_FIELDS if getattr(unit, f) != getattr(row, f)]
        moved = unit.parent_id != (parent.pk if parent else None)
        dirty = bool(changed) or unit.search_text != search_text
        if dirty:
            for f in changed:
                setattr(unit, f, getattr(row, f))
            unit.search_text = search_text
            to_update.append(unit)
        if moved:
            to_move.append((unit, parent))
        if dirty or moved:
            result.updated += 1
        else:
            result.unchanged += 1
    if to_create:
        Unit.objects.bulk_create(to_create, batch_size=500)
        for unit in to_create:
            unit.path, unit.depth = _path_for(unit.parent, unit.pk)
            by_code[unit.code] = unit
        Unit.objects.bulk_update(to_create, ["path", "depth"], batch_size=500)
        result.created += len(to_create)
    if to_update:
        Unit.objects.bulk_update(to_update, [*_ROW_FIELDS, "search_text"], batch_size=500)
    for unit, parent in to_move:
        by_code[unit.code] = unit_move(unit=unit, new_parent=parent)
