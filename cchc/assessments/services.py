"""Writes of the reform assessments (keyword-only, atomic, permission-checked).

The yearly PAR cycle: the unit self-assesses each criterion with evidence
(Action.ASSESSMENT_SELF), submits; Home Affairs appraises each criterion — accept, or adjust
with a comment (Action.ASSESSMENT_APPRAISE) — and returns it; the unit may respond; the
appraiser finalises. Every change is an AssessmentEvent row (append-only).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cchc.accounts.models import User
from cchc.accounts.permissions import Action, has_permission, require, require_any
from cchc.assessments import formulas, heads, scoring, surveys
from cchc.assessments.framework import DATA_DIR, FrameworkDef, Level, Method, parse_framework
from cchc.assessments.models import (
    AppraisalStatus,
    Area,
    Assessment,
    AssessmentEvent,
    AssessmentStatus,
    Criterion,
    CriterionScore,
    Framework,
    FrameworkChange,
    HeadEvaluation,
    HeadStatus,
    Remedy,
    Survey,
    SurveyResponse,
)
from cchc.assessments.selectors import (
    AGENCY_KINDS,
    COMMUNE_KINDS,
    framework_def,
    framework_document,
    framework_in_use,
    head_inputs,
)
from cchc.units.models import Unit

# --- Frameworks ----------------------------------------------------------------------


def _require_appraiser(actor: User | None) -> None:
    # None = the management command (a deployment step, no user).
    if actor is not None:
        require_any(actor, Action.ASSESSMENT_APPRAISE)


def _create_criteria(area: Area, items: Any, parent: Criterion | None) -> None:
    for position, c in enumerate(items):
        row = Criterion.objects.create(
            area=area,
            parent=parent,
            code=c.code,
            title=c.title,
            max_points=c.max_points,
            method=c.method,
            formula=c.formula,
            evidence=c.evidence,
            is_leaf=c.is_leaf,
            position=position,
        )
        _create_criteria(area, c.children, row)


@transaction.atomic
def framework_create(*, actor: User | None, data: dict[str, Any]) -> Framework:
    """A framework from its JSON document (validated by framework.parse_framework)."""
    _require_appraiser(actor)
    fw: FrameworkDef = parse_framework(data)
    if Framework.objects.filter(year=fw.year, level=fw.level).exists():
        raise ValidationError(
            f"Đã có bộ tiêu chí năm {fw.year} cho cấp này; hãy sửa bộ tiêu chí hiện có.",
            code="duplicate",
        )
    bands = data.get("bands") or [
        {"name": b.name, "min": str(b.min_percent)} for b in scoring.PAR_BANDS
    ]
    scoring.parse_bands(bands)
    framework = Framework.objects.create(
        code=fw.code, year=fw.year, level=fw.level, title=fw.title, basis=fw.basis, bands=bands
    )
    for position, a in enumerate(fw.areas):
        area = Area.objects.create(
            framework=framework, code=a.code, title=a.title, position=position
        )
        _create_criteria(area, a.criteria, None)
    return framework


def framework_create_from_template(
    *, actor: User | None, name: str, year: int | None = None
) -> Framework:
    """Load a shipped template (data/<name>.json), optionally for another year."""
    path = DATA_DIR / f"{name}.json"
    if not path.is_file():
        raise ValidationError(f"Không có mẫu bộ tiêu chí “{name}”.", code="template")
    data = json.loads(path.read_text(encoding="utf-8"))
    if year is not None:
        data["year"] = year
        data["code"] = f"{data.get('code', name).rsplit('-', 1)[0]}-{year}"
    return framework_create(actor=actor, data=data)


# --- Editing a framework's tree (Home Affairs) ---------------------------------------
#
# A version is editable until a unit opens an assessment against it (its scores point at
# the criteria); after that it is read-only and Home Affairs copies it to a new version.
# A criterion with sub-criteria takes the sum of their maxima (as an area takes the sum of
# its criteria), so a change of points on a leaf rolls up; the tree is re-validated by
# framework.parse_framework after every edit. Every edit is a FrameworkChange row.

LOCKED_MESSAGE = (
    "Bộ tiêu chí này đã được dùng để chấm điểm nên không thể sửa; "
    "hãy sao chép thành phiên bản mới để sửa."
)


def _require_editable(framework: Framework) -> None:
    if framework_in_use(framework):
        raise ValidationError(LOCKED_MESSAGE, code="locked")


def _change(framework: Framework, actor: User | None, kind: str, data: dict[str, Any]) -> None:
    FrameworkChange.objects.create(framework=framework, actor=actor, kind=kind, data=data)


def _roll_up(framework: Framework) -> None:
    """Leaf flags and the maxima of criteria with sub-criteria, bottom-up."""
    rows = list(Criterion.objects.filter(area__framework=framework))
    children: dict[int, list[Criterion]] = {}
    for c in rows:
        if c.parent_id is not None:
            children.setdefault(c.parent_id, []).append(c)

    def settle(c: Criterion) -> Decimal:
        kids = children.get(c.pk, [])
        if kids:
            total = sum((settle(k) for k in kids), Decimal(0))
            if c.max_points != total or c.is_leaf:
                c.max_points, c.is_leaf = total, False
                c.method, c.formula = Method.SELF, ""
                c.save(update_fields=["max_points", "is_leaf", "method", "formula"])
        elif not c.is_leaf:
            c.is_leaf = True
            c.save(update_fields=["is_leaf"])
        return c.max_points

    for c in rows:
        if c.parent_id is None:
            settle(c)


def _criterion_fields(
    *,
    code: str | None,
    title: str | None,
    max_points: Decimal | None,
    method: str | None,
    formula: str | None,
) -> dict[str, Any]:
    """Field-level checks shared by add and update (None = leave unchanged)."""
    out: dict[str, Any] = {}
    if code is not None:
        code = code.strip()
        if not code:
            raise ValidationError({"code": "Vui lòng nhập mã tiêu chí."}, code="required")
        out["code"] = code
    if title is not None:
        title = " ".join(title.split())
        if not title:
            raise ValidationError({"title": "Vui lòng nhập tên tiêu chí."}, code="required")
        out["title"] = title
    if max_points is not None:
        if not max_points.is_finite() or max_points <= 0:
            raise ValidationError({"max_points": "Điểm tối đa phải lớn hơn 0."}, code="max_points")
        out["max_points"] = max_points
    if method is not None:
        if method not in {m.value for m in Method}:
            raise ValidationError({"method": "Phương pháp chấm không hợp lệ."}, code="method")
        out["method"] = method
    if formula is not None:
        formula = formula.strip()
        if formula and not formulas.get(formula):
            raise ValidationError({"formula": "Không có công thức tên này."}, code="formula")
        out["formula"] = formula
    return out


def _check_leaf_method(criterion: Criterion) -> None:
    if criterion.method == Method.SELF:
        criterion.formula = ""
    elif not criterion.formula:
        raise ValidationError(
            {"formula": "Tiêu chí tính tự động hoặc từ khảo sát phải chọn công thức."},
            code="formula",
        )


def _code_free(framework: Framework, code: str, exclude: int | None = None) -> None:
    taken = Criterion.objects.filter(area__framework=framework, code=code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists() or framework.areas.filter(code=code).exists():
        raise ValidationError({"code": f"Mã “{code}” đã có trong bộ tiêu chí."}, code="duplicate")


@transaction.atomic
def criterion_update(
    *,
    actor: User,
    criterion: Criterion,
    code: str | None = None,
    title: str | None = None,
    max_points: Decimal | None = None,
    evidence: str | None = None,
    method: str | None = None,
    formula: str | None = None,
) -> Criterion:
    """Rename a criterion, change its points (leaves only), scoring method, formula or
    the evidence required, in a version not yet in use."""
    require_any(actor, Action.ASSESSMENT_APPRAISE)
    criterion = (
        Criterion.objects.select_for_update().select_related("area__framework").get(pk=criterion.pk)
    )
    framework = Framework.objects.select_for_update().get(pk=criterion.area.framework_id)
    _require_editable(framework)
    fields = _criterion_fields(
        code=code, title=title, max_points=max_points, method=method, formula=formula
    )
    before = {
        "code": criterion.code,
        "title": criterion.title,
        "max": str(criterion.max_points),
        "method": criterion.method,
        "formula": criterion.formula,
        "evidence": criterion.evidence,
    }
    if not criterion.is_leaf:
        if "max_points" in fields and fields["max_points"] != criterion.max_points:
            raise ValidationError(
                {
                    "max_points": "Điểm tối đa của tiêu chí có tiêu chí thành phần là tổng "
                    "điểm các tiêu chí thành phần; hãy sửa điểm của từng tiêu chí thành phần."
                },
                code="parent_points",
            )
        for name in ("method", "formula", "max_points"):  # a parent is not scored itself
            fields.pop(name, None)
    if "code" in fields:
        _code_free(framework, fields["code"], exclude=criterion.pk)
    for name, value in fields.items():
        setattr(criterion, name, value)
    if evidence is not None:
        criterion.evidence = evidence.strip()
    if criterion.is_leaf:
        _check_leaf_method(criterion)
    criterion.save()
    _roll_up(framework)
    parse_framework(framework_document(framework))  # the whole tree must still hold
    _change(framework, actor, "criterion_edited", {"criterion": criterion.code, "before": before})
    return criterion


@transaction.atomic
def criterion_add(
    *,
    actor: User,
    area: Area,
    parent: Criterion | None = None,
    code: str,
    title: str,
    max_points: Decimal | None,
    method: str = Method.SELF,
    formula: str = "",
    evidence: str = "",
) -> Criterion:
    """A criterion in an area, or a sub-criterion of `parent` (which then takes the sum
    of its sub-criteria's points and stops being scored itself)."""
    require_any(actor, Action.ASSESSMENT_APPRAISE)
    framework = Framework.objects.select_for_update().get(pk=area.framework_id)
    _require_editable(framework)
    if parent is not None and parent.area_id != area.pk:
        raise ValidationError("Tiêu chí cha không thuộc lĩnh vực này.", code="parent")
    if max_points is None:
        raise ValidationError({"max_points": "Vui lòng nhập điểm tối đa."}, code="required")
    fields = _criterion_fields(
        code=code, title=title, max_points=max_points, method=method, formula=formula
    )
    _code_free(framework, fields["code"])
    siblings = Criterion.objects.filter(area=area, parent=parent)
    position = max((c.position for c in siblings), default=-1) + 1
    criterion = Criterion(
        area=area, parent=parent, position=position, evidence=(evidence or "").strip(), **fields
    )
    _check_leaf_method(criterion)
    criterion.save()
    _roll_up(framework)
    parse_framework(framework_document(framework))
    _change(
        framework,
        actor,
        "criterion_added",
        {"criterion": criterion.code, "parent": parent.code if parent else None},
    )
    return criterion


@transaction.atomic
def criterion_delete(*, actor: User, criterion: Criterion) -> None:
    """Remove a criterion with its sub-criteria (an area keeps at least one criterion)."""
    require_any(actor, Action.ASSESSMENT_APPRAISE)
    criterion = Criterion.objects.select_related("area").get(pk=criterion.pk)
    framework = Framework.objects.select_for_update().get(pk=criterion.area.framework_id)
    _require_editable(framework)
    if (
        criterion.parent_id is None
        and not Criterion.objects.filter(area=criterion.area, parent=None)
        .exclude(pk=criterion.pk)
        .exists()
    ):
        raise ValidationError(
            f"Lĩnh vực {criterion.area.code} phải còn ít nhất một tiêu chí.", code="last"
        )
    data = {"criterion": criterion.code, "title": criterion.title}
    criterion.delete()
    _roll_up(framework)
    parse_framework(framework_document(framework))
    _change(framework, actor, "criterion_deleted", data)


@transaction.atomic
def area_update(*, actor: User, area: Area, title: str) -> Area:
    require_any(actor, Action.ASSESSMENT_APPRAISE)
    framework = Framework.objects.select_for_update().get(pk=area.framework_id)
    _require_editable(framework)
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": "Vui lòng nhập tên lĩnh vực."}, code="required")
    before = area.title
    area.title = title
    area.save(update_fields=["title"])
    _change(framework, actor, "area_edited", {"area": area.code, "before": before})
    return area


@transaction.atomic
def framework_copy(*, actor: User, framework: Framework) -> Framework:
    """A new, editable version of the framework (same year and level, same tree)."""
    require_any(actor, Action.ASSESSMENT_APPRAISE)
    latest = (
        Framework.objects.select_for_update()
        .filter(year=framework.year, level=framework.level)
        .order_by("-version")
        .first()
    )
    version = (latest.version if latest else framework.version) + 1
    base = framework.code.split("-v")[0] if "-v" in framework.code else framework.code
    copy = Framework.objects.create(
        code=f"{base}-v{version}",
        year=framework.year,
        version=version,
        level=framework.level,
        title=framework.title,
        basis=framework.basis,
        bands=framework.bands,
    )
    fw = framework_def(framework)
    for position, a in enumerate(fw.areas):
        area = Area.objects.create(framework=copy, code=a.code, title=a.title, position=position)
        _create_criteria(area, a.criteria, None)
    _change(copy, actor, "copied", {"from": framework.pk, "version": framework.version})
    return copy


# --- The yearly cycle --------------------------------------------------------------------


def _event(
    assessment: Assessment,
    actor: User | None,
    kind: str,
    criterion: Criterion | None = None,
    data: dict[str, Any] | None = None,
) -> AssessmentEvent:
    return AssessmentEvent.objects.create(
        assessment=assessment, actor=actor, kind=kind, criterion=criterion, data=data or {}
    )


def _lock(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update()
        .select_related("framework", "unit")
        .get(pk=assessment.pk)
    )


def _status(assessment: Assessment, *allowed: str) -> None:
    if assessment.status not in allowed:
        raise ValidationError(
            f"Bản đánh giá đang ở trạng thái “{assessment.get_status_display()}”; "
            "không thực hiện được thao tác này.",
            code="status",
        )


def _refresh_computed(assessment: Assessment) -> None:
    year = assessment.framework.year
    for s in assessment.scores.select_related("criterion").filter(
        criterion__method__in=[Method.COMPUTED, Method.SURVEY]
    ):
        formula = formulas.get(s.criterion.formula)
        if formula is None or formula.fn is None:
            s.computed_score = None
            s.computed_detail = {
                "formula": s.criterion.formula,
                "pending": formula.note if formula else "Chưa có công thức.",
            }
        else:
            value = formula.fn(assessment.unit, year)
            s.computed_score = (
                None
                if value.rate is None
                else scoring.round2(scoring.points_from_rate(value.rate, s.criterion.max_points))
            )
            s.computed_detail = {
                "formula": formula.name,
                "title": formula.title,
                "rate": None if value.rate is None else str(value.rate),
                "source_url": value.source_url,
                **{k: v for k, v in value.detail.items()},
            }
            if s.computed_score is not None:
                s.self_score = s.computed_score
        s.save(update_fields=["computed_score", "computed_detail", "self_score"])


@transaction.atomic
def assessment_open(*, actor: User, framework: Framework, unit: Unit) -> Assessment:
    """Start (or return) the unit's assessment under the framework, with computed scores."""
    if not (
        has_permission(actor, Action.ASSESSMENT_SELF, unit)
        or has_permission(actor, Action.ASSESSMENT_APPRAISE, unit)
    ):
        raise PermissionDenied("Bạn không có quyền đánh giá cải cách hành chính của đơn vị này.")
    expected = Level.COMMUNE if unit.kind in COMMUNE_KINDS else Level.DEPARTMENT
    if unit.kind not in COMMUNE_KINDS | AGENCY_KINDS or framework.level != expected:
        raise ValidationError(
            f"Bộ tiêu chí “{framework.title}” không áp dụng cho {unit.name}.", code="level"
        )
    assessment, created = Assessment.objects.get_or_create(framework=framework, unit=unit)
    if created:
        leaves = Criterion.objects.filter(area__framework=framework, is_leaf=True)
        CriterionScore.objects.bulk_create(
            [CriterionScore(assessment=assessment, criterion=c) for c in leaves]
        )
        _refresh_computed(assessment)
        _event(assessment, actor, "opened")
        _retotal(assessment)
    return assessment


@transaction.atomic
def assessment_refresh(*, actor: User, assessment: Assessment) -> Assessment:
    """Recompute the criteria filled from system data (while the unit self-assesses)."""
    assessment = _lock(assessment)
    require(actor, Action.ASSESSMENT_SELF, assessment.unit)
    _status(assessment, AssessmentStatus.DRAFT)
    _refresh_computed(assessment)
    _event(assessment, actor, "computed_refreshed")
    _retotal(assessment)
    return assessment


def _retotal(assessment: Assessment) -> None:
    total = sum((s.self_score or Decimal(0) for s in assessment.scores.all()), Decimal(0))
    assessment.self_total = total
    assessment.save(update_fields=["self_total", "updated_at"])


def _score_of(score: CriterionScore) -> tuple[CriterionScore, Assessment]:
    s = CriterionScore.objects.select_related("criterion").get(pk=score.pk)
    return s, _lock(s.assessment)


@transaction.atomic
def criterion_self_assess(
    *,
    actor: User,
    score: CriterionScore,
    points: Decimal | None,
    note: str = "",
    evidence_link: str = "",
    evidence_file: Any = None,
) -> CriterionScore:
    s, assessment = _score_of(score)
    require(actor, Action.ASSESSMENT_SELF, assessment.unit)
    _status(assessment, AssessmentStatus.DRAFT)
    if s.computed_score is not None:
        raise ValidationError(
            "Tiêu chí này được tính tự động từ dữ liệu hệ thống; không tự chấm.", code="computed"
        )
    points = scoring.round2(scoring.check_points(points, s.criterion.max_points, field="points"))
    has_evidence = bool(evidence_link.strip() or evidence_file or s.evidence_file)
    if s.criterion.evidence and points > 0 and not has_evidence:
        raise ValidationError(
            {"evidence_link": f"Cần tài liệu kiểm chứng: {s.criterion.evidence}."},
            code="evidence",
        )
    before = None if s.self_score is None else str(s.self_score)
    s.self_score = points
    s.self_note = note.strip()
    s.evidence_link = evidence_link.strip()
    if evidence_file:
        s.evidence_file = evidence_file
    s.save()
    _event(
        assessment,
        actor,
        "self_assessed",
        s.criterion,
        {"before": before, "points": str(points), "note": s.self_note, "evidence": s.evidence_link},
    )
    _retotal(assessment)
    return s


@transaction.atomic
def assessment_submit(*, actor: User, assessment: Assessment) -> Assessment:
    assessment = _lock(assessment)
    require(actor, Action.ASSESSMENT_SELF, assessment.unit)
    _status(assessment, AssessmentStatus.DRAFT)
    missing = [
        s.criterion.code
        for s in assessment.scores.select_related("criterion")
        if s.self_score is None
    ]
    if missing:
        raise ValidationError(
            f"Còn {len(missing)} tiêu chí chưa chấm: {', '.join(missing[:10])}.", code="incomplete"
        )
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.save(update_fields=["status", "updated_at"])
    _event(assessment, actor, "submitted", data={"self_total": str(assessment.self_total)})
    return assessment


@transaction.atomic
def criterion_appraise(
    *,
    actor: User,
    score: CriterionScore,
    accept: bool,
    points: Decimal | None = None,
    comment: str = "",
) -> CriterionScore:
    s, assessment = _score_of(score)
    require(actor, Action.ASSESSMENT_APPRAISE, assessment.unit)
    _status(assessment, AssessmentStatus.SUBMITTED, AssessmentStatus.RESPONDED)
    if accept:
        s.appraisal = AppraisalStatus.ACCEPTED
        s.appraised_score = s.self_score
    else:
        if not comment.strip():
            raise ValidationError(
                {"comment": "Điều chỉnh điểm phải ghi rõ lý do."}, code="required"
            )
        s.appraisal = AppraisalStatus.ADJUSTED
        s.appraised_score = scoring.round2(
            scoring.check_points(points, s.criterion.max_points, field="points")
        )
    s.appraisal_comment = comment.strip()
    s.save(update_fields=["appraisal", "appraised_score", "appraisal_comment"])
    _event(
        assessment,
        actor,
        "appraised",
        s.criterion,
        {
            "accept": accept,
            "self": None if s.self_score is None else str(s.self_score),
            "points": str(s.appraised_score),
            "comment": s.appraisal_comment,
        },
    )
    return s


def _all_appraised(assessment: Assessment) -> None:
    pending = assessment.scores.filter(appraisal=AppraisalStatus.PENDING).count()
    if pending:
        raise ValidationError(f"Còn {pending} tiêu chí chưa thẩm định.", code="incomplete")


@transaction.atomic
def assessment_return(*, actor: User, assessment: Assessment) -> Assessment:
    """Send the appraisal back to the unit, which may respond before the result is final."""
    assessment = _lock(assessment)
    require(actor, Action.ASSESSMENT_APPRAISE, assessment.unit)
    _status(assessment, AssessmentStatus.SUBMITTED, AssessmentStatus.RESPONDED)
    _all_appraised(assessment)
    assessment.status = AssessmentStatus.APPRAISED
    assessment.save(update_fields=["status", "updated_at"])
    _event(assessment, actor, "returned")
    return assessment


@transaction.atomic
def criterion_respond(*, actor: User, score: CriterionScore, text: str) -> CriterionScore:
    s, assessment = _score_of(score)
    require(actor, Action.ASSESSMENT_SELF, assessment.unit)
    _status(assessment, AssessmentStatus.APPRAISED, AssessmentStatus.RESPONDED)
    if not text.strip():
        raise ValidationError({"text": "Vui lòng nhập nội dung giải trình."}, code="required")
    s.response = text.strip()
    s.save(update_fields=["response"])
    if assessment.status != AssessmentStatus.RESPONDED:
        assessment.status = AssessmentStatus.RESPONDED
        assessment.save(update_fields=["status", "updated_at"])
    _event(assessment, actor, "responded", s.criterion, {"text": s.response})
    return s


@transaction.atomic
def assessment_finalise(*, actor: User, assessment: Assessment) -> Assessment:
    assessment = _lock(assessment)
    require(actor, Action.ASSESSMENT_APPRAISE, assessment.unit)
    _status(
        assessment,
        AssessmentStatus.SUBMITTED,
        AssessmentStatus.APPRAISED,
        AssessmentStatus.RESPONDED,
    )
    _all_appraised(assessment)
    scores = list(assessment.scores.select_related("criterion"))
    for s in scores:
        s.final_score = s.appraised_score
    CriterionScore.objects.bulk_update(scores, ["final_score"])
    fw = framework_def(assessment.framework)
    total = scoring.total_score(fw, {s.criterion.code: s.final_score for s in scores})
    bands = (
        scoring.parse_bands(assessment.framework.bands or [])
        if assessment.framework.bands
        else scoring.PAR_BANDS
    )
    assessment.final_total = scoring.round2(total.score)
    assessment.final_percent = scoring.round2(total.percent)
    assessment.band = scoring.band_for(total.percent, bands)
    assessment.status = AssessmentStatus.FINAL
    assessment.save()
    _event(
        assessment,
        actor,
        "finalised",
        data={
            "total": str(assessment.final_total),
            "percent": str(assessment.final_percent),
            "band": assessment.band,
        },
    )
    return assessment


# --- Weakness → directive task ---------------------------------------------------------


@transaction.atomic
def remedy_create(
    *,
    actor: User,
    framework: Framework,
    criterion: Criterion,
    unit: Unit,
    text: str = "",
    deadline: dt.date | None = None,
) -> Remedy:
    """Turn a weak criterion of a unit into a remedial task for that unit."""
    require(actor, Action.ASSESSMENT_APPRAISE, unit)
    if criterion.area.framework_id != framework.pk:
        raise ValidationError("Tiêu chí không thuộc bộ tiêu chí này.", code="criterion")
    text = text.strip() or (
        f"Khắc phục tồn tại, hạn chế tại tiêu chí {criterion.code} “{criterion.title}” "
        f"(Chỉ số CCHC năm {framework.year})."
    )
    if deadline is not None and deadline < timezone.localdate():
        raise ValidationError({"deadline": "Thời hạn không được ở quá khứ."}, code="deadline")
    remedy = Remedy.objects.create(
        framework=framework,
        criterion=criterion,
        unit=unit,
        text=text,
        deadline=deadline,
        created_by=actor,
    )
    from cchc.directives.services import task_create

    task = task_create(
        actor=actor,
        unit=unit,
        text=text,
        deadline=deadline,
        source=f"assessments:remedy:{remedy.pk}",
    )
    remedy.directive_task_id = task.pk
    remedy.save(update_fields=["directive_task_id"])
    return remedy


# --- Surveys ---------------------------------------------------------------------------


@transaction.atomic
def survey_create(*, actor: User | None, data: dict[str, Any], year: int) -> Survey:
    _require_appraiser(actor)
    definition = surveys.parse_survey(data)
    if Survey.objects.filter(kind=definition.kind, year=year).exists():
        raise ValidationError(
            f"Đã có khảo sát {definition.kind.upper()} năm {year}.", code="duplicate"
        )
    return Survey.objects.create(
        code=definition.code or f"{definition.kind.upper()}-{year}",
        kind=definition.kind,
        year=year,
        title=definition.title,
        definition=data,
    )


def survey_create_from_template(*, actor: User | None, kind: str, year: int) -> Survey:
    path = DATA_DIR / f"{kind}.json"
    if not path.is_file():
        raise ValidationError(f"Không có mẫu khảo sát “{kind}”.", code="template")
    return survey_create(actor=actor, data=json.loads(path.read_text("utf-8")), year=year)


def read_table(content: bytes, filename: str) -> list[tuple[int, dict[str, Any]]]:
    """Rows of a CSV (UTF-8, optional BOM) or XLSX sheet with their spreadsheet row numbers."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:
            raise ValidationError("Tệp XLSX không đọc được.", code="file") from None
        rows = list(wb.active.iter_rows(values_only=True))
        if not rows:
            return []
        header = [str(h or "").strip() for h in rows[0]]
        return [
            (i, dict(zip(header, r, strict=False)))
            for i, r in enumerate(rows[1:], start=2)
            if any(c not in (None, "") for c in r)
        ]
    if name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("Tệp CSV phải mã hóa UTF-8.", code="file") from None
        reader = csv.DictReader(io.StringIO(text))
        return [(i, row) for i, row in enumerate(reader, start=2) if any(row.values())]
    raise ValidationError("Chỉ nhận tệp .csv hoặc .xlsx.", code="file")


@dataclass(frozen=True)
class ImportReport:
    imported: int
    batch: str


@transaction.atomic
def survey_responses_import(
    *, actor: User, survey: Survey, content: bytes, filename: str
) -> ImportReport:
    """All rows or nothing: any row error refuses the file, listing rows and columns."""
    require_any(actor, Action.ASSESSMENT_APPRAISE)
    definition = surveys.parse_survey(survey.definition)
    rows = read_table(content, filename)
    if not rows:
        raise ValidationError("Tệp không có dòng dữ liệu nào.", code="empty")
    codes = {str(r.get(surveys.UNIT_COLUMN) or "").strip() for _, r in rows}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    responses, errors = surveys.parse_responses(rows, definition, set(units))
    if errors:
        raise ValidationError(
            [ValidationError(str(e), code="row") for e in errors[:50]]
            + ([ValidationError(f"… và {len(errors) - 50} lỗi khác.")] if len(errors) > 50 else [])
        )
    outside = sorted(
        code for code in units if not has_permission(actor, Action.ASSESSMENT_APPRAISE, units[code])
    )
    if outside:
        raise PermissionDenied(f"Không có quyền nhập khảo sát cho đơn vị: {', '.join(outside)}.")
    batch = f"{timezone.now():%Y%m%d%H%M%S}-{filename}"[:64]
    SurveyResponse.objects.bulk_create(
        [
            SurveyResponse(
                survey=survey,
                unit=units[r.unit],
                answers=dict(r.answers),
                comment=r.comment,
                dossier_code=r.dossier_code,
                source_row=r.row,
                batch=batch,
            )
            for r in responses
        ]
    )
    return ImportReport(len(responses), batch)


# --- Heads of units ----------------------------------------------------------------------


@transaction.atomic
def head_evaluation_compute(
    *,
    actor: User,
    unit: Unit,
    year: int,
    weights: dict[str, Any] | None = None,
    head_name: str = "",
) -> HeadEvaluation:
    """(Re)compute a head's evaluation from the unit's data; a confirmed one is frozen."""
    require(actor, Action.ASSESSMENT_APPRAISE, unit)
    w = heads.parse_weights(weights) if weights is not None else dict(heads.DEFAULT_WEIGHTS)
    existing = HeadEvaluation.objects.select_for_update().filter(unit=unit, year=year).first()
    if existing is not None and existing.status == HeadStatus.CONFIRMED:
        raise ValidationError("Kết quả đánh giá đã được xác nhận; không tính lại.", code="locked")
    values, sources = head_inputs(unit=unit, year=year)
    result = heads.evaluate(values, w)
    fields = {
        "weights": {k: str(v) for k, v in w.items()},
        "values": {k: None if v is None else str(v) for k, v in values.items()},
        "sources": sources,
        "score": None if result.score is None else scoring.round2(result.score),
        "band": result.band or "",
        "breakdown": result.as_json(),
        "head_name": head_name.strip() or (existing.head_name if existing else ""),
    }
    evaluation, _ = HeadEvaluation.objects.update_or_create(unit=unit, year=year, defaults=fields)
    return evaluation


@transaction.atomic
def head_evaluation_confirm(
    *, actor: User, evaluation: HeadEvaluation, note: str = ""
) -> HeadEvaluation:
    evaluation = HeadEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    require(actor, Action.ASSESSMENT_APPRAISE, evaluation.unit)
    if evaluation.status == HeadStatus.CONFIRMED:
        raise ValidationError("Kết quả đã được xác nhận.", code="status")
    if evaluation.score is None:
        raise ValidationError("Chưa có số liệu để xếp loại.", code="empty")
    evaluation.status = HeadStatus.CONFIRMED
    evaluation.note = note.strip()
    evaluation.confirmed_by = actor
    evaluation.confirmed_at = timezone.now()
    evaluation.save()
    return evaluation


@transaction.atomic
def sipas_public_submit(
    *, dossier: Any, answers: dict[str, Any], comment: str = "", year: int | None = None
) -> SurveyResponse:
    """A citizen's SIPAS answers about one dossier (the caller checked the lookup secret).

    Recorded for the dossier's receiving unit in the year's SIPAS survey; one response per
    dossier. Unanswered questions are allowed (the respondent did not experience them).
    """
    year = year or timezone.localdate().year
    survey = Survey.objects.filter(kind=surveys.SurveyKind.SIPAS, year=year).first()
    if survey is None:
        raise ValidationError("Chưa mở khảo sát sự hài lòng năm nay.", code="no_survey")
    if SurveyResponse.objects.filter(survey=survey, dossier_code=dossier.code).exists():
        raise ValidationError("Hồ sơ này đã được đánh giá. Cảm ơn ông/bà.", code="duplicate")
    definition = surveys.parse_survey(survey.definition)
    unit = dossier.receiving_unit
    row = {surveys.UNIT_COLUMN: unit.code, **answers, surveys.COMMENT_COLUMN: comment[:2000]}
    responses, errors = surveys.parse_responses([(0, row)], definition, {unit.code})
    if errors:
        raise ValidationError(
            [
                ValidationError(e.message if e.column == "" else f"Câu {e.column}: {e.message}")
                for e in errors
            ]
        )
    r = responses[0]
    return SurveyResponse.objects.create(
        survey=survey,
        unit=unit,
        answers=dict(r.answers),
        comment=r.comment,
        dossier_code=dossier.code,
        batch="public",
    )


@transaction.atomic
def survey_weights_update(*, actor: User, survey: Survey, weights: dict[str, Any]) -> Survey:
    """Home Affairs sets the sub-index weights (the method stays documented in surveys.py)."""
    require_any(actor, Action.ASSESSMENT_APPRAISE)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    data = dict(survey.definition)
    subs = []
    for s in data.get("sub_indices", ()):
        raw = weights.get(s["code"], s.get("weight", 1))
        subs.append({**s, "weight": str(raw).strip().replace(",", ".")})
    data["sub_indices"] = subs
    surveys.parse_survey(data)  # validates: numbers, non-negative, total > 0
    survey.definition = data
    survey.save(update_fields=["definition"])
    return survey
