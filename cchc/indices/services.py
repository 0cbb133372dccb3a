"""Writes for the 766 index: importing the official figures published by the portal."""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cchc.accounts.permissions import Action, require
from cchc.indices.definition import CRITERIA_BY_CODE
from cchc.indices.interchange import InterchangeError, RowError
from cchc.indices.models import OfficialScore
from cchc.indices.periods import Period, parse_period
from cchc.units.models import Unit

OFFICIAL_COLUMNS = (
    "unit_code",
    "period",
    "criterion",
    "numerator",
    "denominator",
    "score",
    "source",
)


def _count(text: str, column: str, line: int, errors: list[RowError]) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        errors.append(RowError(line, column, f"“{text}” không phải số nguyên không âm"))
        return None
    return int(text)


@transaction.atomic
def official_scores_import(*, actor: Any, path: str | Path) -> int:
    """Load official figures (CSV, UTF-8: unit_code, period, criterion, numerator,
    denominator, score, source); a figure for the same unit, period and criterion is
    replaced. All or nothing, every bad row reported by line.

    With `actor`, ASSESSMENT_APPRAISE (Sở Nội vụ, who follows the index) is required on
    each unit; without, it is a system operation (the command line).
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            lines = list(csv.reader(stream))
    except FileNotFoundError:
        raise ValidationError(f"Không tìm thấy tệp {path}.", code="not_found") from None
    except UnicodeDecodeError:
        raise InterchangeError([RowError(0, "", "tệp không phải mã UTF-8")]) from None
    if not lines or tuple(h.strip() for h in lines[0]) != OFFICIAL_COLUMNS:
        raise InterchangeError(
            [RowError(1, "", "dòng tiêu đề phải đúng các cột: " + ", ".join(OFFICIAL_COLUMNS))]
        )
    body = [(n, r) for n, r in enumerate(lines[1:], start=2) if any(c.strip() for c in r)]
    units = {u.code: u for u in Unit.objects.filter(code__in={r[0].strip() for _, r in body})}
    errors: list[RowError] = []
    values: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, r in body:
        if len(r) != len(OFFICIAL_COLUMNS):
            errors.append(RowError(line, "", f"cần đúng {len(OFFICIAL_COLUMNS)} cột"))
            continue
        unit_code, period_text, code, num_text, den_text, score_text, source = (
            c.strip() for c in r
        )
        before = len(errors)
        unit = units.get(unit_code)
        if unit is None:
            errors.append(RowError(line, "unit_code", f"không có đơn vị mã “{unit_code}”"))
        try:
            period = parse_period(period_text)
        except ValidationError as exc:
            errors.append(RowError(line, "period", exc.messages[0]))
            period = None
        criterion = CRITERIA_BY_CODE.get(code)
        if criterion is None:
            errors.append(RowError(line, "criterion", f"không có tiêu chí mã “{code}”"))
        numerator = _count(num_text, "numerator", line, errors)
        denominator = _count(den_text, "denominator", line, errors)
        if numerator is not None and denominator is not None and numerator > denominator:
            errors.append(RowError(line, "numerator", "tử số lớn hơn mẫu số"))
        score = None
        if score_text:
            try:
                score = Decimal(score_text.replace(",", "."))
            except InvalidOperation:
                errors.append(RowError(line, "score", f"“{score_text}” không phải là số"))
            else:
                if criterion is not None and not 0 <= score <= criterion.max:
                    errors.append(RowError(line, "score", f"điểm phải từ 0 đến {criterion.max}"))
        key = (unit_code, period_text, code)
        if key in seen:
            errors.append(RowError(line, "", f"trùng với dòng {seen[key]}"))
        seen[key] = line
        if len(errors) == before and unit is not None and period is not None:
            values.append(
                {
                    "unit": unit,
                    "first_day": period.first_day,
                    "last_day": period.last_day,
                    "criterion": code,
                    "numerator": numerator,
                    "denominator": denominator,
                    "score": score,
                    "source": source,
                }
            )
    if errors:
        raise InterchangeError(errors)
    if actor is not None:
        for unit in {v["unit"].pk: v["unit"] for v in values}.values():
            require(actor, Action.ASSESSMENT_APPRAISE, unit)
    now = timezone.now()
    # Our figures beside theirs, once per (unit, period) imported.
    from cchc.indices.selectors import index_for_database

    ours: dict[tuple[int, Any, Any], dict[str, Any]] = {}
    for v in values:
        key = (v["unit"].pk, v["first_day"], v["last_day"])
        if key not in ours:
            period = Period(v["first_day"], v["last_day"], f"{v['first_day']}..{v['last_day']}")
            result = index_for_database(period=period, unit=v["unit"])
            ours[key] = {c.code: c for c in result.criteria}
    for v in values:
        mine = ours[(v["unit"].pk, v["first_day"], v["last_day"])][v["criterion"]]
        OfficialScore.objects.update_or_create(
            unit=v["unit"],
            first_day=v["first_day"],
            last_day=v["last_day"],
            criterion=v["criterion"],
            defaults={
                "numerator": v["numerator"],
                "denominator": v["denominator"],
                "score": v["score"],
                "source": v["source"],
                "computed_numerator": mine.numerator,
                "computed_denominator": mine.denominator,
                "computed_score": mine.score,
                "imported_at": now,
                "imported_by": actor if actor is not None and actor.is_authenticated else None,
            },
        )
    return len(values)
