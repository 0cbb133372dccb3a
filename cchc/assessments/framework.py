"""Assessment frameworks as data (pure; no Django models).

A framework is versioned by year and level (province departments, communes) and is a tree:
areas → criteria → sub-criteria. Each node has a maximum number of points; a leaf says how
it is scored (self-assessed with evidence, computed from the system's data by a named
formula, or from a survey) and what evidence is required.

The shipped templates (``data/*.json``) follow the eight areas of the national provincial
PAR index 2022–2030, QĐ 876/QĐ-BNV (10/11/2022): chỉ đạo điều hành; cải cách thể chế;
cải cách TTHC; tổ chức bộ máy; chế độ công vụ; tài chính công; chính phủ số; tác động. The
point split inside each area is ours (the decision's own tables were not transcribed);
Home Affairs edits it per year.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

DATA_DIR = Path(__file__).resolve().parent / "data"


class Method(StrEnum):
    SELF = "self"  # tự đánh giá, có tài liệu kiểm chứng
    COMPUTED = "computed"  # tính từ dữ liệu của hệ thống bằng công thức có tên
    SURVEY = "survey"  # từ kết quả điều tra xã hội học / khảo sát


class Level(StrEnum):
    DEPARTMENT = "department"  # sở, ban, ngành cấp tỉnh
    COMMUNE = "commune"  # UBND cấp xã


@dataclass(frozen=True)
class CriterionDef:
    code: str
    title: str
    max_points: Decimal
    method: Method = Method.SELF
    formula: str = ""  # the registry name when method is COMPUTED / SURVEY
    evidence: str = ""  # evidence required (tài liệu kiểm chứng)
    children: tuple[CriterionDef, ...] = ()

    @property
    def is_leaf(self) -> bool:
        return not self.children


@dataclass(frozen=True)
class AreaDef:
    code: str
    title: str
    max_points: Decimal
    criteria: tuple[CriterionDef, ...]


@dataclass(frozen=True)
class FrameworkDef:
    code: str
    year: int
    level: Level
    title: str
    basis: str
    areas: tuple[AreaDef, ...]
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def max_points(self) -> Decimal:
        return sum((a.max_points for a in self.areas), Decimal(0))

    def leaves(self) -> Iterator[tuple[AreaDef, CriterionDef]]:
        for area in self.areas:
            for criterion in area.criteria:
                yield from ((area, leaf) for leaf in _leaves(criterion))


def _leaves(c: CriterionDef) -> Iterator[CriterionDef]:
    if c.is_leaf:
        yield c
    else:
        for child in c.children:
            yield from _leaves(child)


def _err(message: str, code: str = "framework") -> ValidationError:
    return ValidationError(message, code=code)


def _points(value: Any, where: str) -> Decimal:
    try:
        points = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise _err(f"{where}: điểm tối đa “{value}” không phải là số.") from None
    if not points.is_finite() or points <= 0:
        raise _err(f"{where}: điểm tối đa phải lớn hơn 0.")
    return points


def _criterion(data: Mapping[str, Any], where: str, seen: set[str]) -> CriterionDef:
    code = str(data.get("code", "")).strip()
    if not code:
        raise _err(f"{where}: thiếu mã tiêu chí.")
    if code in seen:
        raise _err(f"Mã tiêu chí “{code}” bị trùng.")
    seen.add(code)
    where = f"Tiêu chí {code}"
    children = tuple(
        _criterion(c, f"{where} (tiêu chí thành phần)", seen) for c in data.get("children", ())
    )
    max_points = _points(data.get("max"), where)
    if children and sum(c.max_points for c in children) != max_points:
        raise _err(
            f"{where}: tổng điểm các tiêu chí thành phần "
            f"({sum(c.max_points for c in children)}) khác điểm tối đa ({max_points})."
        )
    try:
        method = Method(data.get("method", Method.SELF))
    except ValueError:
        raise _err(f"{where}: phương pháp chấm “{data.get('method')}” không hợp lệ.") from None
    formula = str(data.get("formula", "")).strip()
    if not children and method != Method.SELF and not formula:
        raise _err(f"{where}: tiêu chí tính tự động hoặc từ khảo sát phải ghi tên công thức.")
    return CriterionDef(
        code=code,
        title=str(data.get("title", "")).strip() or code,
        max_points=max_points,
        method=method,
        formula=formula,
        evidence=str(data.get("evidence", "")).strip(),
        children=children,
    )


def parse_framework(data: Mapping[str, Any]) -> FrameworkDef:
    """Validate a framework document (the JSON shape of ``data/*.json``)."""
    try:
        year = int(data["year"])
        level = Level(data["level"])
    except (KeyError, ValueError, TypeError):
        raise _err("Bộ tiêu chí phải ghi năm áp dụng và cấp (department/commune).") from None
    seen: set[str] = set()
    areas = []
    for a in data.get("areas", ()):
        code = str(a.get("code", "")).strip()
        if not code or code in seen:
            raise _err(f"Mã lĩnh vực “{code}” trống hoặc bị trùng.")
        seen.add(code)
        criteria = tuple(_criterion(c, f"Lĩnh vực {code}", seen) for c in a.get("criteria", ()))
        if not criteria:
            raise _err(f"Lĩnh vực {code} chưa có tiêu chí.")
        max_points = sum((c.max_points for c in criteria), Decimal(0))
        if "max" in a and _points(a["max"], f"Lĩnh vực {code}") != max_points:
            raise _err(
                f"Lĩnh vực {code}: tổng điểm các tiêu chí ({max_points}) khác điểm tối đa "
                f"({a['max']})."
            )
        areas.append(AreaDef(code, str(a.get("title", code)), max_points, criteria))
    if not areas:
        raise _err("Bộ tiêu chí chưa có lĩnh vực nào.")
    return FrameworkDef(
        code=str(data.get("code", f"PAR-{level}-{year}")),
        year=year,
        level=level,
        title=str(data.get("title", "")),
        basis=str(data.get("basis", "")),
        areas=tuple(areas),
        meta={k: v for k, v in data.items() if k not in {"areas"}},
    )


def load_template(name: str) -> FrameworkDef:
    """One of the shipped templates, e.g. ``par_department`` or ``par_commune``."""
    with (DATA_DIR / f"{name}.json").open(encoding="utf-8") as f:
        return parse_framework(json.load(f))


TEMPLATES = ("par_department", "par_commune")
