"""Writes to the procedure catalog: import, export and new versions.

A published procedure version is never altered: a change becomes a new
`ProcedureVersion` whose `valid_from` closes the previous one, so dossiers received
under the old version keep pointing at exactly what applied to them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cchc.accounts.models import Role
from cchc.accounts.permissions import DENIED_MESSAGE
from cchc.calendars.workdays import TimeUnit
from cchc.procedures import catalog_format as cf
from cchc.procedures import rules
from cchc.procedures.catalog_format import CellError, Row
from cchc.procedures.models import (
    ComponentRequirement,
    FeeItem,
    OnlineLevel,
    Procedure,
    ProcedureLevel,
    ProcedureVersion,
    ProcessStep,
    ResultType,
    Sector,
    StepHandler,
)
from cchc.procedures.selectors import procedure_manage_allowed
from cchc.units.models import Unit, UnitKind
from cchc.units.text import normalize_vn

# Version attributes carried by the catalog shape (besides components, fees, steps, units).
VERSION_FIELDS: tuple[str, ...] = (
    "level",
    "implementing_unit_kinds",
    "processing_time",
    "processing_time_unit",
    "result_type",
    "result_name",
    "online_level",
    "result_reusable",
    "fee_collected_after_return",
    "subjects",
    "conditions",
    "legal_basis",
    "notes",
    "published_at",
    "source",
)
COMPONENT_FIELDS = (
    "order",
    "name",
    "form_code",
    "copies",
    "original_required",
    "is_required",
    "note",
)
FEE_FIELDS = ("name", "amount", "unit_label", "varies", "note")
STEP_FIELDS = (
    "order",
    "name",
    "handler",
    "handler_unit_kind",
    "role",
    "quota",
    "is_legal_pause",
)

_CHOICES: dict[str, tuple[set[str], str]] = {
    "level": (set(ProcedureLevel.values), "cấp thực hiện"),
    "processing_time_unit": ({u.value for u in TimeUnit}, "đơn vị thời hạn"),
    "result_type": (set(ResultType.values), "loại kết quả"),
    "online_level": (set(OnlineLevel.values), "mức độ trực tuyến"),
}


class CatalogImportError(ValidationError):
    """Raised when any row is invalid; carries the full report, nothing was saved."""

    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__([str(e) for e in report.errors], code="catalog_invalid")


@dataclass
class ImportReport:
    sectors_created: int = 0
    procedures_created: int = 0
    procedures_updated: int = 0
    versions_created: int = 0
    versions_unchanged: int = 0
    new_versions: list[str] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.sectors_created
            or self.procedures_created
            or self.procedures_updated
            or self.versions_created
        )

    def summary(self) -> str:
        return (
            f"Lĩnh vực mới: {self.sectors_created}; thủ tục mới: {self.procedures_created}; "
            f"thủ tục cập nhật: {self.procedures_updated}; phiên bản mới: {self.versions_created}; "
            f"phiên bản không đổi: {self.versions_unchanged}."
        )


# --------------------------------------------------------------------------- helpers


def _require_manage(actor: Any) -> None:
    if actor is not None and not procedure_manage_allowed(user=actor):
        raise PermissionDenied(DENIED_MESSAGE)


def _search_text(code: str, name: str) -> str:
    return normalize_vn(f"{code} {name}")


def procedure_search_text_refresh(*, procedure: Procedure) -> None:
    """Recompute the diacritic-free search text (after an edit outside the importer)."""
    procedure.search_text = _search_text(procedure.code, procedure.name)
    if procedure.pk:
        Procedure.objects.filter(pk=procedure.pk).update(search_text=procedure.search_text)


def _choice_message(value: str, allowed: Iterable[str], label: str) -> str:
    return f"Giá trị '{value}' không hợp lệ cho {label}; cho phép: {', '.join(sorted(allowed))}."


def _content_of(version: ProcedureVersion) -> dict[str, Any]:
    """Comparable content of a stored version (uses prefetched relations)."""
    content: dict[str, Any] = {name: getattr(version, name) for name in VERSION_FIELDS}
    content["implementing_unit_kinds"] = list(version.implementing_unit_kinds or [])
    content["unit_codes"] = sorted(u.code for u in version.implementing_units.all())
    content["components"] = [
        {f: getattr(c, f) for f in COMPONENT_FIELDS}
        for c in sorted(version.components.all(), key=lambda c: c.order)
    ]
    content["fees"] = [
        {f: getattr(x, f) for f in FEE_FIELDS}
        for x in sorted(version.fees.all(), key=lambda x: x.pk)
    ]
    content["steps"] = [
        {f: getattr(s, f) for f in STEP_FIELDS}
        for s in sorted(version.steps.all(), key=lambda s: s.order)
    ]
    return content


def _content_errors(content: dict[str, Any]) -> list[tuple[str, str]]:
    """Rule violations of a whole version as (field, message)."""
    errors: list[tuple[str, str]] = []
    for name, (allowed, label) in _CHOICES.items():
        if content.get(name) not in allowed:
            errors.append((name, _choice_message(str(content.get(name)), allowed, label)))
    kinds = content.get("implementing_unit_kinds") or []
    bad = [k for k in kinds if k not in UnitKind.values]
    if bad:
        errors.append(
            (
                "implementing_unit_kinds",
                _choice_message(", ".join(bad), UnitKind.values, "loại đơn vị thực hiện"),
            )
        )
    if content.get("processing_time") is None or content["processing_time"] < 0:
        errors.append(("processing_time", "Thời hạn giải quyết không được âm."))
    for fee in content.get("fees", []):
        if fee.get("amount") is None or fee["amount"] < 0:
            errors.append(("fees", f"Mức thu của '{fee.get('name')}' không được âm."))
    steps = content.get("steps", [])
    if not steps:
        errors.append(("steps", "Thủ tục phải có quy trình với ít nhất một bước xử lý."))
    for step in steps:
        if step.get("handler") not in StepHandler.values:
            errors.append(
                ("steps", _choice_message(str(step.get("handler")), StepHandler.values, "bước"))
            )
        if step.get("role") not in Role.values:
            errors.append(("steps", _choice_message(str(step.get("role")), Role.values, "vai trò")))
        if step.get("quota") is None or step["quota"] < 0:
            errors.append(("steps", f"Định mức của bước '{step.get('name')}' không được âm."))
    orders = [s.get("order") for s in steps]
    if len(set(orders)) != len(orders):
        errors.append(("steps", "Thứ tự các bước bị trùng."))
    corders = [c.get("order") for c in content.get("components", [])]
    if len(set(corders)) != len(corders):
        errors.append(("components", "Thứ tự các thành phần hồ sơ bị trùng."))
    if steps and not any(e[0] == "steps" for e in errors) and "processing_time" not in dict(errors):
        message = rules.quota_error(
            processing_time=content["processing_time"],
            unit=content["processing_time_unit"],
            steps=[(s["quota"], bool(s.get("is_legal_pause"))) for s in steps],
        )
        if message:
            errors.append(("steps", message))
    return errors


def _create_version(
    *,
    procedure: Procedure,
    number: int,
    valid_from: dt.datetime,
    content: dict[str, Any],
    units: list[Unit],
) -> ProcedureVersion:
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=number,
        valid_from=valid_from,
        **{name: content[name] for name in VERSION_FIELDS},
    )
    if units:
        version.implementing_units.set(units)
    ComponentRequirement.objects.bulk_create(
        ComponentRequirement(version=version, **c) for c in content["components"]
    )
    FeeItem.objects.bulk_create(FeeItem(version=version, **f) for f in content["fees"])
    ProcessStep.objects.bulk_create(ProcessStep(version=version, **s) for s in content["steps"])
    return version


def _close_previous(previous: ProcedureVersion | None, valid_from: dt.datetime) -> None:
    # Closing the period is the only change ever made to an earlier version.
    if previous is not None and (previous.valid_to is None or previous.valid_to > valid_from):
        previous.valid_to = valid_from
        previous.save(update_fields=["valid_to"])


# --------------------------------------------------------------------------- new version


@transaction.atomic
def procedure_version_create(
    *, procedure: Procedure, valid_from: dt.datetime, actor: Any, **changes: Any
) -> ProcedureVersion:
    """Create version N+1 of `procedure` from the latest one plus `changes`.

    `changes` may hold any of VERSION_FIELDS, `implementing_units` (units),
    and `components` / `fees` / `steps` (lists of dicts with the model's fields),
    which replace the whole list.
    """
    _require_manage(actor)
    allowed = set(VERSION_FIELDS) | {"implementing_units", "components", "fees", "steps"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError(
            f"Không thay đổi được các trường: {', '.join(unknown)}.", code="unknown_field"
        )
    latest = (
        ProcedureVersion.objects.select_for_update()
        .filter(procedure=procedure)
        .order_by("-number")
        .first()
    )
    if latest is not None:
        latest = (
            ProcedureVersion.objects.filter(pk=latest.pk)
            .prefetch_related("components", "fees", "steps", "implementing_units")
            .get()
        )
        content = _content_of(latest)
        units = list(latest.implementing_units.all())
        if valid_from <= latest.valid_from:
            raise ValidationError(
                {
                    "valid_from": ValidationError(
                        "Ngày áp dụng của phiên bản mới phải sau ngày áp dụng của phiên bản "
                        f"{latest.number}.",
                        code="valid_from_order",
                    )
                }
            )
    else:
        content = {
            "level": ProcedureLevel.COMMUNE,
            "implementing_unit_kinds": [],
            "processing_time": Decimal("0"),
            "processing_time_unit": TimeUnit.WORKING_DAYS.value,
            "result_type": ResultType.PAPER,
            "result_name": "",
            "online_level": OnlineLevel.NONE,
            "result_reusable": False,
            "fee_collected_after_return": False,
            "subjects": "",
            "conditions": "",
            "legal_basis": "",
            "notes": "",
            "published_at": None,
            "source": "",
            "components": [],
            "fees": [],
            "steps": [],
        }
        units = []
    before = dict(content, unit_codes=sorted(u.code for u in units))
    if "implementing_units" in changes:
        units = list(changes.pop("implementing_units"))
    item_fields = {"components": COMPONENT_FIELDS, "fees": FEE_FIELDS, "steps": STEP_FIELDS}
    for key, fields in item_fields.items():
        if key in changes:
            changes[key] = [dict(item) for item in changes[key]]
            extra = sorted({k for item in changes[key] for k in item} - set(fields))
            if extra:
                raise ValidationError(
                    {key: f"Không có các trường: {', '.join(extra)}."}, code="unknown_field"
                )
    content.update(changes)
    if "processing_time" in changes:
        content["processing_time"] = Decimal(str(content["processing_time"]))
    for step in content["steps"]:
        step["quota"] = Decimal(str(step.get("quota", "0")))
        step.setdefault("handler_unit_kind", "")
        step.setdefault("is_legal_pause", False)
    for fee in content["fees"]:
        fee["amount"] = Decimal(str(fee.get("amount", "0")))
    errors = _content_errors(content)
    if latest is not None and dict(content, unit_codes=sorted(u.code for u in units)) == before:
        errors.append(
            ("__all__", "Phiên bản mới không có thay đổi nào so với phiên bản hiện hành.")
        )
    if errors:
        by_field: dict[str, list[str]] = defaultdict(list)
        for name, message in errors:
            by_field[name].append(message)
        raise ValidationError(dict(by_field))
    _close_previous(latest, valid_from)
    content.pop("unit_codes", None)
    return _create_version(
        procedure=procedure,
        number=(latest.number + 1) if latest else 1,
        valid_from=valid_from,
        content=content,
        units=units,
    )


# --------------------------------------------------------------------------- import


@dataclass
class _Spec:
    code: str
    number: int
    row: Row
    valid_from: dt.datetime | None = None
    name: str = ""
    sector_code: str = ""
    sector_name: str = ""
    content: dict[str, Any] = field(default_factory=dict)
    component_rows: list[Row] = field(default_factory=list)
    step_rows: list[Row] = field(default_factory=list)
    fee_rows: list[Row] = field(default_factory=list)
    valid: bool = True


class _Parser:
    def __init__(self) -> None:
        self.errors: list[CellError] = []

    def error(self, row: Row, column: str, message: str) -> None:
        self.errors.append(CellError(row.sheet, row.number, column, message))

    def value(self, row: Row, column: str, parse, *, required: bool = True, default=None):
        text = row.get(column)
        if not text.strip():
            if required:
                self.error(row, column, "Thiếu giá trị bắt buộc.")
                return None
            return default
        try:
            return parse(text)
        except rules.RuleError as exc:
            self.error(row, column, str(exc))
            return None

    def text(self, row: Row, column: str, *, required: bool = False, max_length: int = 0) -> str:
        value = row.get(column).strip()
        if required and not value:
            self.error(row, column, "Thiếu giá trị bắt buộc.")
        if max_length and len(value) > max_length:
            self.error(row, column, f"Dài quá {max_length} ký tự.")
        return value

    def choice(self, row: Row, column: str, allowed: Iterable[str], label: str, default=None):
        value = row.get(column).strip()
        if not value and default is not None:
            return default
        if value not in set(allowed):
            self.error(row, column, _choice_message(value, allowed, label))
            return None
        return value


def _parse_tables(tables: cf.Tables) -> tuple[dict[tuple[str, int], _Spec], list[CellError]]:
    p = _Parser()
    specs: dict[tuple[str, int], _Spec] = {}
    for row in tables.rows[cf.PROCEDURES]:
        code = p.text(row, "code", required=True)
        number = p.value(row, "version", rules.parse_positive_int)
        if not code or number is None:
            continue
        if (code, number) in specs:
            p.error(row, "version", f"Phiên bản {number} của thủ tục {code} bị lặp.")
            continue
        spec = _Spec(code=code, number=number, row=row)
        specs[(code, number)] = spec
        n_errors = len(p.errors)
        spec.valid_from = p.value(row, "valid_from", rules.parse_moment)
        if row.get("valid_to"):
            p.value(row, "valid_to", rules.parse_moment, required=False)
        spec.name = p.text(row, "name", required=True, max_length=500)
        spec.sector_code = p.text(row, "sector_code", required=True, max_length=32)
        spec.sector_name = p.text(row, "sector_name", max_length=255)
        kinds = rules.split_list(row.get("implementing_unit_kinds"))
        bad = [k for k in kinds if k not in UnitKind.values]
        if bad:
            p.error(
                row,
                "implementing_unit_kinds",
                _choice_message(", ".join(bad), UnitKind.values, "loại đơn vị thực hiện"),
            )
        unit = p.choice(row, "processing_time_unit", _CHOICES["processing_time_unit"][0], "đơn vị")
        spec.content = {
            "level": p.choice(
                row, "level", ProcedureLevel.values, "cấp thực hiện", ProcedureLevel.COMMUNE
            ),
            "implementing_unit_kinds": kinds,
            "unit_codes": sorted(rules.split_list(row.get("implementing_unit_codes"))),
            "processing_time": p.value(
                row, "processing_time", lambda t: rules.parse_decimal(t, places=2)
            ),
            "processing_time_unit": unit,
            "result_type": p.choice(
                row, "result_type", ResultType.values, "loại kết quả", ResultType.PAPER
            ),
            "result_name": p.text(row, "result_name", max_length=500),
            "online_level": p.choice(
                row, "online_level", OnlineLevel.values, "mức độ trực tuyến", OnlineLevel.NONE
            ),
            "result_reusable": p.value(
                row, "result_reusable", rules.parse_bool, required=False, default=False
            ),
            "fee_collected_after_return": p.value(
                row, "fee_collected_after_return", rules.parse_bool, required=False, default=False
            ),
            "subjects": p.text(row, "subjects", max_length=255),
            "conditions": p.text(row, "conditions"),
            "legal_basis": p.text(row, "legal_basis"),
            "notes": p.text(row, "notes"),
            "published_at": p.value(row, "published_at", rules.parse_date, required=False),
            "source": p.text(row, "source"),
            "components": [],
            "fees": [],
            "steps": [],
        }
        spec.valid = len(p.errors) == n_errors

    def owner(row: Row) -> _Spec | None:
        code = row.get("code").strip()
        try:
            number = rules.parse_positive_int(row.get("version"))
        except rules.RuleError as exc:
            p.error(row, "version", str(exc))
            return None
        spec = specs.get((code, number))
        if spec is None:
            p.error(
                row,
                "code",
                f"Không có thủ tục {code} phiên bản {number} trong bảng '{cf.PROCEDURES}'.",
            )
        return spec

    for row in tables.rows[cf.COMPONENTS]:
        spec = owner(row)
        n_errors = len(p.errors)
        item = {
            "order": p.value(row, "order", rules.parse_positive_int),
            "name": p.text(row, "name", required=True, max_length=500),
            "form_code": p.text(row, "form_code", max_length=100),
            "copies": p.value(row, "copies", rules.parse_positive_int, required=False, default=1),
            "original_required": p.value(
                row, "original_required", rules.parse_bool, required=False, default=False
            ),
            "is_required": p.value(
                row, "is_required", rules.parse_bool, required=False, default=True
            ),
            "note": p.text(row, "note", max_length=500),
        }
        if spec is not None:
            spec.component_rows.append(row)
            spec.content.setdefault("components", []).append(item)
            spec.valid &= len(p.errors) == n_errors

    for row in tables.rows[cf.FEES]:
        spec = owner(row)
        n_errors = len(p.errors)
        item = {
            "name": p.text(row, "name", required=True, max_length=255),
            "amount": p.value(row, "amount", lambda t: rules.parse_decimal(t, places=0)),
            "unit_label": p.text(row, "unit_label", max_length=100),
            "varies": p.value(row, "varies", rules.parse_bool, required=False, default=False),
            "note": p.text(row, "note", max_length=500),
        }
        if spec is not None:
            spec.fee_rows.append(row)
            spec.content.setdefault("fees", []).append(item)
            spec.valid &= len(p.errors) == n_errors

    for row in tables.rows[cf.STEPS]:
        spec = owner(row)
        n_errors = len(p.errors)
        kind = row.get("handler_unit_kind").strip()
        if kind and kind not in UnitKind.values:
            p.error(row, "handler_unit_kind", _choice_message(kind, UnitKind.values, "loại đơn vị"))
        item = {
            "order": p.value(row, "order", rules.parse_positive_int),
            "name": p.text(row, "name", required=True, max_length=255),
            "handler": p.choice(row, "handler", StepHandler.values, "đơn vị thực hiện bước"),
            "handler_unit_kind": kind,
            "role": p.choice(row, "role", Role.values, "vai trò"),
            "quota": p.value(row, "quota", lambda t: rules.parse_decimal(t, places=2)),
            "is_legal_pause": p.value(
                row, "is_legal_pause", rules.parse_bool, required=False, default=False
            ),
        }
        if spec is not None:
            spec.step_rows.append(row)
            spec.content.setdefault("steps", []).append(item)
            spec.valid &= len(p.errors) == n_errors

    # Whole-version rules (quota sum, duplicates) once every cell of it parsed.
    for spec in specs.values():
        if not spec.valid:
            continue
        spec.content["components"].sort(key=lambda c: c["order"])
        spec.content["steps"].sort(key=lambda s: s["order"])
        for name, message in _content_errors(spec.content):
            if name == "steps" and spec.step_rows:
                target, column = spec.step_rows[0], "quota"
            elif name == "components" and spec.component_rows:
                target, column = spec.component_rows[0], "order"
            elif name == "fees" and spec.fee_rows:
                target, column = spec.fee_rows[0], "amount"
            else:
                target, column = spec.row, name if name in cf.COLUMNS[cf.PROCEDURES] else ""
            p.error(target, column, f"Thủ tục {spec.code} phiên bản {spec.number}: {message}")
            spec.valid = False

    # Name and sector belong to the procedure, not to a version.
    by_code: dict[str, list[_Spec]] = defaultdict(list)
    for spec in specs.values():
        by_code[spec.code].append(spec)
    for code, group in by_code.items():
        first = min(group, key=lambda s: s.number)
        for spec in group:
            if (spec.name, spec.sector_code) != (first.name, first.sector_code):
                p.error(
                    spec.row,
                    "name",
                    f"Tên và lĩnh vực của thủ tục {code} phải giống nhau ở mọi phiên bản.",
                )
    return specs, p.errors


@transaction.atomic
def catalog_import(*, source: str | Path | IO[bytes], fmt: str, actor: Any = None) -> ImportReport:
    """Import the catalog shape (docs/catalog-format.md) all or nothing.

    Raises CatalogImportError (a ValidationError with `.report`) listing every
    invalid cell; then nothing is saved. Importing the same data again changes
    nothing; a changed version becomes a new version (see the format document).
    """
    _require_manage(actor)
    if fmt not in ("xlsx", "csv"):
        raise ValidationError("Định dạng phải là xlsx hoặc csv.", code="format")
    tables = cf.read_xlsx(source) if fmt == "xlsx" else cf.read_csv(source)
    report = ImportReport(errors=list(tables.errors))
    if report.errors:
        raise CatalogImportError(report)
    specs, errors = _parse_tables(tables)
    report.errors.extend(errors)
    if report.errors:
        raise CatalogImportError(report)

    codes = sorted({code for code, _ in specs})
    unit_codes = {c for s in specs.values() for c in s.content["unit_codes"]}
    units = {u.code: u for u in Unit.objects.filter(code__in=unit_codes)}
    sectors = {s.code: s for s in Sector.objects.all()}
    procedures = {p.code: p for p in Procedure.objects.filter(code__in=codes)}
    stored: dict[str, dict[int, ProcedureVersion]] = defaultdict(dict)
    for version in (
        ProcedureVersion.objects.filter(procedure__code__in=codes)
        .select_related("procedure")
        .prefetch_related("components", "fees", "steps", "implementing_units")
    ):
        stored[version.procedure.code][version.number] = version

    def fail(spec: _Spec, column: str, message: str) -> None:
        report.errors.append(
            CellError(cf.PROCEDURES, spec.row.number, column, f"Thủ tục {spec.code}: {message}")
        )

    now = timezone.now().replace(microsecond=0)
    for code in codes:
        group = sorted((s for (c, _), s in specs.items() if c == code), key=lambda s: s.number)
        head = group[0]
        missing_units = [u for s in group for u in s.content["unit_codes"] if u not in units]
        if missing_units:
            fail(
                head,
                "implementing_unit_codes",
                f"Không tìm thấy đơn vị có mã: {', '.join(sorted(set(missing_units)))}.",
            )
            continue
        sector = sectors.get(head.sector_code)
        if sector is None:
            sector = Sector.objects.create(
                code=head.sector_code, name=head.sector_name or head.sector_code
            )
            sectors[sector.code] = sector
            report.sectors_created += 1
        elif head.sector_name and sector.name != head.sector_name:
            sector.name = head.sector_name
            sector.save(update_fields=["name"])
        procedure = procedures.get(code)
        if procedure is None:
            procedure = Procedure.objects.create(
                code=code, name=head.name, sector=sector, search_text=_search_text(code, head.name)
            )
            report.procedures_created += 1
        elif procedure.name != head.name or procedure.sector_id != sector.pk:
            procedure.name, procedure.sector = head.name, sector
            procedure.search_text = _search_text(code, head.name)
            procedure.save(update_fields=["name", "sector", "search_text"])
            report.procedures_updated += 1
        versions = stored[code]
        for spec in group:
            content = dict(spec.content)
            latest = versions[max(versions)] if versions else None
            existing = versions.get(spec.number)
            if existing is not None:
                same = _content_of(existing) == content
                if same:
                    if spec.valid_from != existing.valid_from:
                        fail(
                            spec,
                            "valid_from",
                            f"không sửa được ngày áp dụng của phiên bản {spec.number} đã có; "
                            "hãy thay đổi nội dung để tạo phiên bản mới.",
                        )
                    else:
                        report.versions_unchanged += 1
                    continue
                if existing is not latest:
                    fail(
                        spec,
                        "version",
                        f"phiên bản {spec.number} đã được thay thế bởi phiên bản "
                        f"{latest.number}; chỉ sửa được phiên bản mới nhất.",
                    )
                    continue
                # A changed version: a new version from the date given in the row if
                # it is later, otherwise from now. The stored version stays as it was.
                valid_from = spec.valid_from if spec.valid_from > existing.valid_from else now
                number = existing.number + 1
            else:
                expected = (latest.number + 1) if latest else 1
                if spec.number != expected:
                    fail(spec, "version", f"phiên bản tiếp theo phải là {expected}.")
                    continue
                if latest is not None and spec.valid_from <= latest.valid_from:
                    fail(
                        spec,
                        "valid_from",
                        f"ngày áp dụng phải sau ngày áp dụng của phiên bản {latest.number}.",
                    )
                    continue
                valid_from, number = spec.valid_from, spec.number
            if latest is not None and valid_from <= latest.valid_from:
                fail(
                    spec,
                    "valid_from",
                    f"phiên bản mới phải áp dụng sau ngày áp dụng của phiên bản {latest.number}.",
                )
                continue
            _close_previous(latest, valid_from)
            content.pop("unit_codes")
            created = _create_version(
                procedure=procedure,
                number=number,
                valid_from=valid_from,
                content=content,
                units=[units[c] for c in spec.content["unit_codes"]],
            )
            created = (
                ProcedureVersion.objects.filter(pk=created.pk)
                .prefetch_related("components", "fees", "steps", "implementing_units")
                .get()
            )
            versions[number] = created
            report.versions_created += 1
            report.new_versions.append(f"{code} v{number}")
    if report.errors:
        raise CatalogImportError(report)
    return report


# --------------------------------------------------------------------------- export


def _bool(value: bool) -> str:
    return "true" if value else "false"


def catalog_rows(procedures: Iterable[Procedure] | None = None) -> dict[str, list[dict[str, str]]]:
    versions = ProcedureVersion.objects.select_related("procedure__sector").prefetch_related(
        "components", "fees", "steps", "implementing_units"
    )
    if procedures is not None:
        versions = versions.filter(procedure__in=list(procedures))
    rows: dict[str, list[dict[str, str]]] = {s: [] for s in cf.SHEETS}
    for v in versions.order_by("procedure__code", "number"):
        p = v.procedure
        key = {"code": p.code, "version": str(v.number)}
        rows[cf.PROCEDURES].append(
            {
                **key,
                "valid_from": rules.format_moment(v.valid_from),
                "valid_to": rules.format_moment(v.valid_to) if v.valid_to else "",
                "name": p.name,
                "sector_code": p.sector.code,
                "sector_name": p.sector.name,
                "level": v.level,
                "implementing_unit_kinds": ";".join(v.implementing_unit_kinds or []),
                "implementing_unit_codes": ";".join(
                    sorted(u.code for u in v.implementing_units.all())
                ),
                "processing_time": rules.format_decimal(v.processing_time),
                "processing_time_unit": v.processing_time_unit,
                "result_type": v.result_type,
                "result_name": v.result_name,
                "online_level": v.online_level,
                "result_reusable": _bool(v.result_reusable),
                "fee_collected_after_return": _bool(v.fee_collected_after_return),
                "subjects": v.subjects,
                "conditions": v.conditions,
                "legal_basis": v.legal_basis,
                "notes": v.notes,
                "published_at": v.published_at.isoformat() if v.published_at else "",
                "source": v.source,
            }
        )
        for c in sorted(v.components.all(), key=lambda c: c.order):
            rows[cf.COMPONENTS].append(
                {
                    **key,
                    "order": str(c.order),
                    "name": c.name,
                    "form_code": c.form_code,
                    "copies": str(c.copies),
                    "original_required": _bool(c.original_required),
                    "is_required": _bool(c.is_required),
                    "note": c.note,
                }
            )
        for f in sorted(v.fees.all(), key=lambda f: f.pk):
            rows[cf.FEES].append(
                {
                    **key,
                    "name": f.name,
                    "amount": rules.format_decimal(f.amount),
                    "unit_label": f.unit_label,
                    "varies": _bool(f.varies),
                    "note": f.note,
                }
            )
        for s in sorted(v.steps.all(), key=lambda s: s.order):
            rows[cf.STEPS].append(
                {
                    **key,
                    "order": str(s.order),
                    "name": s.name,
                    "handler": s.handler,
                    "handler_unit_kind": s.handler_unit_kind,
                    "role": s.role,
                    "quota": rules.format_decimal(s.quota),
                    "is_legal_pause": _bool(s.is_legal_pause),
                }
            )
    return rows


def catalog_export(*, fmt: str, procedures: Iterable[Procedure] | None = None) -> bytes:
    """The catalog (all versions of `procedures`, default all) in the importable shape.

    fmt "xlsx" gives a workbook; "csv" gives a .zip of the four CSV files.
    """
    rows = catalog_rows(procedures)
    if fmt == "xlsx":
        return cf.write_xlsx(rows)
    if fmt == "csv":
        return cf.write_csv_zip(rows)
    raise ValidationError("Định dạng phải là xlsx hoặc csv.", code="format")
