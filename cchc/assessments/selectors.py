"""Reads of the reform assessments."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from cchc.accounts.models import User
from cchc.accounts.permissions import Action, has_permission, scope_filter
from cchc.assessments import formulas, heads, scoring, surveys
from cchc.assessments.framework import FrameworkDef, parse_framework
from cchc.assessments.models import (
    Area,
    Assessment,
    AssessmentEvent,
    AssessmentStatus,
    Criterion,
    CriterionScore,
    Framework,
    FrameworkChange,
    HeadEvaluation,
    Survey,
    SurveyResponse,
)
from cchc.units.models import Unit


def framework_document(framework: Framework) -> dict[str, Any]:
    """The framework back as its JSON document (for validation after an edit, and export)."""
    criteria = list(Criterion.objects.filter(area__framework=framework).order_by("position", "pk"))
    children: dict[int | None, list[Criterion]] = {}
    for c in criteria:
        children.setdefault(c.parent_id, []).append(c)

    def node(c: Criterion) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": c.code,
            "title": c.title,
            "max": str(c.max_points),
            "method": c.method,
            "formula": c.formula,
            "evidence": c.evidence,
        }
        if c.pk in children:
            out["children"] = [node(k) for k in children[c.pk]]
        return out

    return {
        "code": framework.code,
        "year": framework.year,
        "level": framework.level,
        "title": framework.title,
        "basis": framework.basis,
        "bands": framework.bands,
        "areas": [
            {
                "code": a.code,
                "title": a.title,
                "criteria": [node(c) for c in children.get(None, []) if c.area_id == a.pk],
            }
            for a in framework.areas.order_by("position")
        ],
    }


def framework_def(framework: Framework) -> FrameworkDef:
    return parse_framework(framework_document(framework))


def framework_list() -> QuerySet[Framework]:
    return Framework.objects.all()


def framework_current_list() -> list[Framework]:
    """The newest version of each (year, level): the one units open new assessments on."""
    seen: set[tuple[int, str]] = set()
    out = []
    for f in Framework.objects.order_by("-year", "level", "-version"):
        if (f.year, f.level) not in seen:
            seen.add((f.year, f.level))
            out.append(f)
    return out


@dataclass(frozen=True)
class AreaNode:
    area: Area
    max_points: Decimal
    rows: list[tuple[Criterion, int]]  # (criterion, depth) in tree order


def framework_tree(framework: Framework) -> list[AreaNode]:
    """Areas with their criteria in tree order (sub-criteria under their parent)."""
    criteria = list(Criterion.objects.filter(area__framework=framework).order_by("position", "pk"))
    children: dict[int | None, list[Criterion]] = {}
    for c in criteria:
        children.setdefault(c.parent_id, []).append(c)
    out = []
    for area in framework.areas.order_by("position"):
        rows: list[tuple[Criterion, int]] = []

        def walk(c: Criterion, depth: int, rows: list[tuple[Criterion, int]] = rows) -> None:
            rows.append((c, depth))
            for k in children.get(c.pk, []):
                walk(k, depth + 1)

        tops = [c for c in children.get(None, []) if c.area_id == area.pk]
        for c in tops:
            walk(c, 0)
        out.append(AreaNode(area, sum((c.max_points for c in tops), Decimal(0)), rows))
    return out


def framework_in_use(framework: Framework) -> bool:
    """Units have opened assessments on it: its tree is read-only."""
    return framework.assessments.exists()


def framework_changes(framework: Framework) -> QuerySet[FrameworkChange]:
    return framework.changes.select_related("actor").order_by("-at", "-id")


def framework_bands(framework: Framework) -> tuple[scoring.Band, ...]:
    return scoring.parse_bands(framework.bands) if framework.bands else scoring.PAR_BANDS


# --- Assessments -----------------------------------------------------------------------


def _visible(user: User) -> Q:
    return scope_filter(user, Action.ASSESSMENT_SELF, field="unit__") | scope_filter(
        user, Action.ASSESSMENT_APPRAISE, field="unit__"
    )


def assessment_list(*, user: User, year: int | None = None) -> list[Assessment]:
    qs = Assessment.objects.filter(_visible(user)).select_related("framework", "unit")
    if year is not None:
        qs = qs.filter(framework__year=year)
    return list(qs.order_by("-framework__year", "unit__name"))


def may_self_assess(user: User, assessment: Assessment) -> bool:
    return has_permission(user, Action.ASSESSMENT_SELF, assessment.unit)


def may_appraise(user: User, assessment: Assessment) -> bool:
    return has_permission(user, Action.ASSESSMENT_APPRAISE, assessment.unit)


def assessment_get(*, user: User, pk: int) -> Assessment:
    assessment = Assessment.objects.select_related("framework", "unit").filter(pk=pk).first()
    if assessment is None or not (
        may_self_assess(user, assessment) or may_appraise(user, assessment)
    ):
        raise PermissionDenied("Bạn không có quyền xem bản đánh giá này.")
    return assessment


@dataclass(frozen=True)
class AreaBlock:
    code: str
    title: str
    max_points: Decimal
    self_score: Decimal
    final_score: Decimal | None
    scores: list[CriterionScore]


def assessment_sheet(*, assessment: Assessment) -> list[AreaBlock]:
    """The leaf scores grouped by area, with area subtotals (two queries)."""
    scores = list(
        assessment.scores.select_related("criterion__area", "criterion__parent").order_by(
            "criterion__area__position", "criterion__parent__position", "criterion__position"
        )
    )
    by_area: dict[int, list[CriterionScore]] = defaultdict(list)
    for s in scores:
        by_area[s.criterion.area_id].append(s)
    out = []
    for area in assessment.framework.areas.order_by("position"):
        items = by_area.get(area.pk, [])
        final = (
            sum((s.final_score or Decimal(0) for s in items), Decimal(0))
            if assessment.status == AssessmentStatus.FINAL
            else None
        )
        out.append(
            AreaBlock(
                area.code,
                area.title,
                sum((s.criterion.max_points for s in items), Decimal(0)),
                sum((s.self_score or Decimal(0) for s in items), Decimal(0)),
                final,
                items,
            )
        )
    return out


def assessment_events(*, assessment: Assessment) -> list[AssessmentEvent]:
    return list(assessment.events.select_related("actor", "criterion"))


# --- Results ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    assessment: Assessment
    rank: int
    percent: Decimal
    band: str
    areas: dict[str, Decimal]
    previous_percent: Decimal | None

    @property
    def change(self) -> Decimal | None:
        return None if self.previous_percent is None else self.percent - self.previous_percent


def framework_results(*, framework: Framework) -> list[ResultRow]:
    """Finalised assessments ranked by percent, with area scores and last year's percent."""
    finals = list(
        framework.assessments.filter(status=AssessmentStatus.FINAL).select_related("unit")
    )
    ranked = scoring.rank(
        [(str(a.pk), a.final_percent or Decimal(0)) for a in finals], framework_bands(framework)
    )
    areas: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for s in CriterionScore.objects.filter(assessment__in=finals).values(
        "assessment_id", "criterion__area__code", "final_score"
    ):
        areas[s["assessment_id"]][s["criterion__area__code"]] += s["final_score"] or Decimal(0)
    previous = dict(
        Assessment.objects.filter(
            framework__level=framework.level,
            framework__year=framework.year - 1,
            status=AssessmentStatus.FINAL,
            unit__in=[a.unit_id for a in finals],
        ).values_list("unit_id", "final_percent")
    )
    by_pk = {str(a.pk): a for a in finals}
    return [
        ResultRow(
            by_pk[r.key],
            r.rank,
            r.percent,
            r.band,
            dict(areas[by_pk[r.key].pk]),
            previous.get(by_pk[r.key].unit_id),
        )
        for r in ranked
    ]


@dataclass(frozen=True)
class WeakCriterion:
    criterion: Criterion
    attainment: Decimal
    units_scored: int
    weak_units: list[Unit]


def weakest_criteria(
    *, framework: Framework, threshold: Decimal = Decimal("0.5"), limit: int = 10
) -> list[WeakCriterion]:
    """ "Tồn tại, hạn chế": the criteria with the lowest mean attainment across final units."""
    rows = CriterionScore.objects.filter(
        assessment__framework=framework, assessment__status=AssessmentStatus.FINAL
    ).values("assessment__unit_id", "criterion_id", "final_score", "criterion__max_points")
    results: dict[str, dict[str, tuple[Decimal, Decimal]]] = defaultdict(dict)
    for r in rows:
        results[str(r["assessment__unit_id"])][str(r["criterion_id"])] = (
            r["final_score"] or Decimal(0),
            r["criterion__max_points"],
        )
    weak = scoring.weakest(results, threshold=threshold, limit=limit)
    criteria = Criterion.objects.in_bulk([int(w.criterion) for w in weak])
    units = Unit.objects.in_bulk([int(u) for w in weak for u in w.weak_units])
    return [
        WeakCriterion(
            criteria[int(w.criterion)],
            w.attainment,
            w.units,
            [units[int(u)] for u in w.weak_units],
        )
        for w in weak
    ]


def unit_history(*, unit: Unit) -> list[scoring.YearPoint]:
    points = dict(
        Assessment.objects.filter(unit=unit, status=AssessmentStatus.FINAL).values_list(
            "framework__year", "final_percent"
        )
    )
    return scoring.compare_years(points)


# --- Surveys ---------------------------------------------------------------------------


def survey_list() -> QuerySet[Survey]:
    return Survey.objects.all()


def _responses(survey: Survey, unit: Unit | None = None) -> list[surveys.Response]:
    qs = SurveyResponse.objects.filter(survey=survey)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return [
        surveys.Response(r["source_row"], str(r["unit_id"]), r["answers"], r["comment"])
        for r in qs.values("source_row", "unit_id", "answers", "comment")
    ]


def survey_result_for_unit(
    *, kind: str, year: int, unit: Unit
) -> tuple[Survey, surveys.SurveyResult] | None:
    survey = Survey.objects.filter(kind=kind, year=year).first()
    if survey is None:
        return None
    responses = _responses(survey, unit)
    if not responses:
        return None
    return survey, surveys.aggregate(surveys.parse_survey(survey.definition), responses)


# Survey results are reported per assessed unit: a commune (or ward, special zone) or a
# province agency; answers recorded at a one-stop shop or a department roll up to it.
COMMUNE_KINDS = frozenset({"commune", "ward", "township", "special_zone"})
AGENCY_KINDS = frozenset({"agency", "district"})
GROUP_COMMUNES = "Cấp xã"
GROUP_AGENCIES = "Sở, ban, ngành"
GROUP_OTHER = "Đơn vị khác"


def _group(unit: Unit) -> str:
    if unit.kind in COMMUNE_KINDS:
        return GROUP_COMMUNES
    if unit.kind in AGENCY_KINDS:
        return GROUP_AGENCIES
    return GROUP_OTHER


def _assessed_units(unit_ids: set[int]) -> dict[int, Unit]:
    """Each unit → its nearest ancestor-or-self that is a commune or an agency (two queries)."""
    units = Unit.objects.in_bulk(list(unit_ids))
    ancestor_ids = {
        int(x) for u in units.values() for x in (u.path or "").strip("/").split("/") if x
    }
    ancestors = Unit.objects.in_bulk(list(ancestor_ids | set(unit_ids)))
    out: dict[int, Unit] = {}
    for pk, u in units.items():
        chain = [int(x) for x in (u.path or "").strip("/").split("/") if x] or [pk]
        target = u
        for ancestor_pk in reversed(chain):
            a = ancestors.get(ancestor_pk)
            if a is not None and _group(a) != GROUP_OTHER:
                target = a
                break
        out[pk] = target
    return out


@dataclass(frozen=True)
class SurveyUnitRow:
    unit: Unit
    group: str
    rank: int  # within the group (communes and agencies are ranked apart)
    result: surveys.SurveyResult
    comments: list[str]
    previous: Decimal | None  # the same unit's composite in the previous year's survey

    @property
    def change(self) -> Decimal | None:
        if self.previous is None or self.result.composite is None:
            return None
        return self.result.composite - self.previous


def _per_unit(
    survey: Survey, definition: surveys.SurveyDef
) -> tuple[dict[int, surveys.SurveyResult], dict[int, list[str]], dict[int, Unit]]:
    rows = list(
        SurveyResponse.objects.filter(survey=survey).values(
            "source_row", "unit_id", "answers", "comment"
        )
    )
    target = _assessed_units({r["unit_id"] for r in rows})
    by_unit: dict[int, list[surveys.Response]] = defaultdict(list)
    comments: dict[int, list[str]] = defaultdict(list)
    units: dict[int, Unit] = {}
    for r in rows:
        unit = target[r["unit_id"]]
        units[unit.pk] = unit
        by_unit[unit.pk].append(
            surveys.Response(r["source_row"], str(unit.pk), r["answers"], r["comment"])
        )
        if r["comment"]:
            comments[unit.pk].append(r["comment"])
    return (
        {pk: surveys.aggregate(definition, rs) for pk, rs in by_unit.items()},
        comments,
        units,
    )


def survey_results(*, survey: Survey) -> tuple[surveys.SurveyDef, list[SurveyUnitRow]]:
    """Per assessed unit: the index, sub-indices, weakest items, comments, last year's
    index; ranked within communes and within agencies."""
    definition = surveys.parse_survey(survey.definition)
    results, comments, units = _per_unit(survey, definition)
    previous: dict[int, Decimal | None] = {}
    before = Survey.objects.filter(kind=survey.kind, year=survey.year - 1).first()
    if before is not None:
        old, _c, _u = _per_unit(before, surveys.parse_survey(before.definition))
        previous = {pk: r.composite for pk, r in old.items()}
    out: list[SurveyUnitRow] = []
    for group in (GROUP_AGENCIES, GROUP_COMMUNES, GROUP_OTHER):
        members = [pk for pk, u in units.items() if _group(u) == group]
        ranked = scoring.rank([(str(pk), results[pk].composite or Decimal(0)) for pk in members])
        out.extend(
            SurveyUnitRow(
                units[int(x.key)],
                group,
                x.rank,
                results[int(x.key)],
                comments[int(x.key)],
                previous.get(int(x.key)),
            )
            for x in ranked
        )
    return definition, out


# --- Heads of units ----------------------------------------------------------------------


def _late_percent(unit: Unit, year: int) -> tuple[Decimal | None, dict[str, Any]]:
    from cchc.dossiers.selectors import step_overruns

    tz = timezone.get_current_timezone()
    rows = step_overruns(
        units=Unit.objects.filter(path__startswith=unit.path),
        since=dt.datetime(year, 1, 1, tzinfo=tz),
        until=dt.datetime(year + 1, 1, 1, tzinfo=tz),
    )
    steps = sum(r["steps"] for r in rows)
    late = sum(r["late_steps"] for r in rows)
    if not steps:
        return None, {"steps": 0}
    return (
        Decimal(100) - Decimal(100) * late / steps,
        {"steps": steps, "late_steps": late, "source_url": f"/dossiers/?unit={unit.code}"},
    )


def _tasks_on_time(unit: Unit, year: int) -> tuple[Decimal | None, dict[str, Any]]:
    """Directive tasks the unit led that fell due in the year, done on time, in percent
    (cchc.directives.selectors.unit_directive_record): on time / (on time + late +
    overdue); tasks not yet due and cancelled ones are left out."""
    from django.urls import reverse

    from cchc.directives.selectors import unit_directive_record

    record = unit_directive_record(unit=unit, year=year)
    due = record.done_on_time + record.done_late + record.overdue
    source = {
        "source_url": f"{reverse('directives:unit_record', args=[unit.pk])}?year={year}",
        "done_on_time": record.done_on_time,
        "done_late": record.done_late,
        "overdue": record.overdue,
        "due": due,
    }
    return (Decimal(100) * record.done_on_time / due if due else None), source


def head_inputs(*, unit: Unit, year: int) -> tuple[dict[str, Decimal | None], dict[str, Any]]:
    """The five components of a head's evaluation (percent 0..100 or None) and sources."""
    values: dict[str, Decimal | None] = {}
    sources: dict[str, Any] = {}
    values["tasks"], sources["tasks"] = _tasks_on_time(unit, year)
    for key, name in (
        ("index766", "index766_total"),
        ("satisfaction", "sipas_index"),
    ):
        formula = formulas.get(name)
        if formula is None or formula.fn is None:
            values[key] = None
            sources[key] = {"pending": formula.note if formula else name}
            continue
        v = formula.fn(unit, year)
        values[key] = None if v.rate is None else v.rate * 100
        sources[key] = {"source_url": v.source_url, **v.detail}
    par = (
        Assessment.objects.filter(unit=unit, framework__year=year, status=AssessmentStatus.FINAL)
        .values("pk", "final_percent")
        .first()
    )
    values["par"] = None if par is None else par["final_percent"]
    sources["par"] = {} if par is None else {"source_url": f"/assessments/{par['pk']}/"}
    values["late"], sources["late"] = _late_percent(unit, year)
    return values, sources


def head_list(*, user: User, year: int) -> list[HeadEvaluation]:
    return list(
        HeadEvaluation.objects.filter(
            scope_filter(user, Action.ASSESSMENT_APPRAISE, field="unit__"), year=year
        )
        .select_related("unit", "confirmed_by")
        .order_by("-score", "unit__name")
    )


def head_get(*, user: User, pk: int) -> HeadEvaluation:
    evaluation = HeadEvaluation.objects.select_related("unit").filter(pk=pk).first()
    if evaluation is None or not (
        has_permission(user, Action.ASSESSMENT_APPRAISE, evaluation.unit)
        or has_permission(user, Action.ASSESSMENT_SELF, evaluation.unit)
    ):
        raise PermissionDenied("Bạn không có quyền xem kết quả đánh giá này.")
    return evaluation


COMPONENT_TITLES = heads.COMPONENTS


def sipas_definition(*, year: int) -> surveys.SurveyDef | None:
    survey = Survey.objects.filter(kind=surveys.SurveyKind.SIPAS, year=year).first()
    return None if survey is None else surveys.parse_survey(survey.definition)
