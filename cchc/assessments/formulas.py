"""Registry of named formulas that fill computed criteria from the system's own data.

A formula is a function ``(unit, year) -> FormulaValue`` that reads other apps only
through their selectors. Each value carries a link to its source, so an appraiser can open
the numbers behind a score. A formula whose source does not exist yet is registered as
"pending": the criterion then stays self-assessed and the screen says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

READY = "ready"
PENDING = "pending"


@dataclass(frozen=True)
class FormulaValue:
    rate: Decimal | None  # 0..1; None when there is no data (denominator 0)
    source_url: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Formula:
    name: str
    title: str
    status: str
    fn: Callable[[Any, int], FormulaValue] | None
    note: str = ""


REGISTRY: dict[str, Formula] = {}


def register(
    name: str, title: str, *, status: str = READY, note: str = ""
) -> Callable[[Callable[[Any, int], FormulaValue]], Callable[[Any, int], FormulaValue]]:
    def deco(fn: Callable[[Any, int], FormulaValue]) -> Callable[[Any, int], FormulaValue]:
        REGISTRY[name] = Formula(name, title, status, fn if status == READY else None, note)
        return fn

    return deco


def register_pending(name: str, title: str, note: str) -> None:
    REGISTRY[name] = Formula(name, title, PENDING, None, note)


def get(name: str) -> Formula | None:
    return REGISTRY.get(name)


def compute(name: str, unit: Any, year: int) -> FormulaValue | None:
    """The formula's value, or None when it is unknown or pending."""
    formula = REGISTRY.get(name)
    if formula is None or formula.fn is None:
        return None
    return formula.fn(unit, year)


# --- The 766 index and dossier data (cchc.indices selectors) ----------------------------

_INDEX_CACHE: dict[tuple[int, int], Any] = {}


def _index(unit: Any, year: int) -> Any:
    from cchc.indices.periods import parse_period
    from cchc.indices.selectors import index_for_database

    return index_for_database(period=parse_period(str(year)), unit=unit)


def _index_url(unit: Any, year: int) -> str:
    return "/indices/?" + urlencode({"unit": unit.code, "period": str(year)})


def _criterion_rate(code: str) -> Callable[[Any, int], FormulaValue]:
    def fn(unit: Any, year: int) -> FormulaValue:
        c = _index(unit, year).criterion(code)
        return FormulaValue(
            c.rate,
            _index_url(unit, year),
            {
                "criterion_766": code,
                "numerator": c.numerator,
                "denominator": c.denominator,
            },
        )

    return fn


register(
    "dossier_on_time_rate",
    "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn (Bộ chỉ số 766, tiêu chí DOSSIER_ON_TIME)",
)(_criterion_rate("DOSSIER_ON_TIME"))
register(
    "dossier_digitization_rate",
    "Tỷ lệ hồ sơ được số hóa (Bộ chỉ số 766, tiêu chí SO_HOA_GIAY_TO_GIAI_QUYET)",
)(_criterion_rate("SO_HOA_GIAY_TO_GIAI_QUYET"))
register(
    "dossier_online_rate",
    "Tỷ lệ hồ sơ trực tuyến (Bộ chỉ số 766, tiêu chí ONLINE_DOSSIERS)",
)(_criterion_rate("ONLINE_DOSSIERS"))
register(
    "dossier_online_payment_rate",
    "Tỷ lệ hồ sơ thanh toán trực tuyến (Bộ chỉ số 766, tiêu chí DOSSIERS_PAID_ONLINE)",
)(_criterion_rate("DOSSIERS_PAID_ONLINE"))


@register("index766_total", "Tổng điểm Bộ chỉ số 766 của đơn vị (% điểm tối đa)")
def index766_total(unit: Any, year: int) -> FormulaValue:
    result = _index(unit, year)
    # A unit that received no dossier in the year has no 766 result to score (the
    # index would otherwise pass its database-only criteria as full marks).
    percent = result.percent if result.dossiers else None
    return FormulaValue(
        None if percent is None else percent / 100,
        _index_url(unit, year),
        {"score": str(result.total_score), "max": result.total_max, "dossiers": result.dossiers},
    )


# --- Surveys of this app --------------------------------------------------------------


def _survey_formula(kind: str) -> Callable[[Any, int], FormulaValue]:
    def fn(unit: Any, year: int) -> FormulaValue:
        from cchc.assessments.selectors import survey_result_for_unit

        found = survey_result_for_unit(kind=kind, year=year, unit=unit)
        if found is None:
            return FormulaValue(None, "", {"respondents": 0})
        survey, result = found
        return FormulaValue(
            None if result.composite is None else result.composite / 100,
            f"/assessments/surveys/{survey.pk}/?unit={unit.code}",
            {"respondents": result.respondents},
        )

    return fn


register("sipas_index", "Chỉ số hài lòng SIPAS của đơn vị")(_survey_formula("sipas"))
register("ddci_index", "Chỉ số DDCI của đơn vị")(_survey_formula("ddci"))


# --- Directive tasks (cchc.directives) ------------------------------------------------


def _register_directives() -> None:
    from cchc.directives.selectors import tasks_on_time_summary

    title = "Tỷ lệ nhiệm vụ được giao hoàn thành đúng hạn (theo dõi nhiệm vụ chỉ đạo)"

    @register("directive_tasks_on_time", title)
    def fn(unit: Any, year: int) -> FormulaValue:
        summary = tasks_on_time_summary(unit=unit, year=year)
        due = int(summary.get("due", 0))
        done = int(summary.get("done_on_time", 0))
        return FormulaValue(
            Decimal(done) / due if due else None,
            f"/directives/?unit={unit.code}&year={year}",
            {"done_on_time": done, "due": due},
        )


_register_directives()
