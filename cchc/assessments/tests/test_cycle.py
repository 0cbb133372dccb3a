"""The yearly PAR cycle on the database: self-assess → appraise → respond → finalise."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.assessments import formulas, selectors, services
from cchc.assessments.models import (
    AppraisalStatus,
    AssessmentStatus,
    Criterion,
    CriterionScore,
    Framework,
)

D = Decimal


def _self_assess_all(prov, assessment, points=None):
    for s in assessment.scores.select_related("criterion"):
        if s.self_score is not None:
            continue
        services.criterion_self_assess(
            actor=prov.chairman,
            score=s,
            points=points if points is not None else s.criterion.max_points,
            note="Đã thực hiện",
            evidence_link="https://vb.example.vn/1",
        )


def test_template_is_stored_as_rows_and_reads_back_as_the_same_framework(prov):
    fw = selectors.framework_def(prov.framework)
    assert fw.max_points == 100 and fw.year == 2026
    assert Criterion.objects.filter(area__framework=prov.framework, is_leaf=True).count() == len(
        list(fw.leaves())
    )
    with pytest.raises(ValidationError, match="Đã có bộ tiêu chí năm 2026"):
        services.framework_create_from_template(actor=None, name="par_commune", year=2026)


def test_opening_fills_computed_criteria_and_marks_pending_ones(prov):
    a = services.assessment_open(actor=prov.chairman, framework=prov.framework, unit=prov.commune)
    by_code = {s.criterion.code: s for s in a.scores.select_related("criterion")}
    on_time = by_code["3.1"]
    assert on_time.computed_detail["formula"] == "dossier_on_time_rate"
    # No dossiers: no rate, so no automatic score — the source link is still given.
    assert on_time.computed_score is None
    assert on_time.computed_detail["source_url"].startswith("/indices/?unit=XA01")
    tasks = by_code["1.2"]
    # Tasks on time come from the directive tracker; no task is due yet, so no rate either.
    assert tasks.computed_detail["formula"] == "directive_tasks_on_time"
    assert tasks.computed_score is None
    assert tasks.computed_detail["source_url"].startswith("/directives/?unit=XA01")
    assert a.events.filter(kind="opened").count() == 1


def test_a_computed_value_becomes_the_self_score_and_cannot_be_overridden(prov, monkeypatch):
    monkeypatch.setitem(
        formulas.REGISTRY,
        "dossier_on_time_rate",
        formulas.Formula(
            "dossier_on_time_rate",
            "test",
            formulas.READY,
            lambda unit, year: formulas.FormulaValue(D("0.75"), "/indices/?unit=XA01", {}),
        ),
    )
    a = services.assessment_open(actor=prov.chairman, framework=prov.framework, unit=prov.commune)
    s = a.scores.get(criterion__code="3.1")
    assert s.computed_score == D("7.50") and s.self_score == D("7.50")
    with pytest.raises(ValidationError, match="tính tự động"):
        services.criterion_self_assess(actor=prov.chairman, score=s, points=D(10))


def test_self_assessment_checks_range_evidence_and_scope(prov):
    a = services.assessment_open(actor=prov.chairman, framework=prov.framework, unit=prov.commune)
    s = a.scores.get(criterion__code="1.1")
    with pytest.raises(ValidationError) as e:
        services.criterion_self_assess(actor=prov.chairman, score=s, points=D(4))
    assert "points" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.criterion_self_assess(actor=prov.chairman, score=s, points=D(3))
    assert "evidence_link" in e.value.message_dict
    with pytest.raises(PermissionDenied):
        services.criterion_self_assess(
            actor=prov.other_chairman, score=s, points=D(3), evidence_link="https://x.vn"
        )
    assert CriterionScore.objects.get(pk=s.pk).self_score is None
    services.criterion_self_assess(
        actor=prov.chairman, score=s, points=D("2.5"), evidence_link="https://x.vn/kh"
    )
    a.refresh_from_db()
    assert a.self_total == D("2.5")


def test_full_cycle_with_adjustment_response_and_history(prov):
    a = services.assessment_open(actor=prov.chairman, framework=prov.framework, unit=prov.commune)
    with pytest.raises(ValidationError, match="chưa chấm"):
        services.assessment_submit(actor=prov.chairman, assessment=a)
    _self_assess_all(prov, a)
    a = services.assessment_submit(actor=prov.chairman, assessment=a)
    assert a.status == AssessmentStatus.SUBMITTED
    # The unit can no longer change its scores.
    s11 = a.scores.get(criterion__code="1.1")
    with pytest.raises(ValidationError, match="trạng thái"):
        services.criterion_self_assess(actor=prov.chairman, score=s11, points=D(1))
    # The chairman may not appraise.
    with pytest.raises(PermissionDenied):
        services.criterion_appraise(actor=prov.chairman, score=s11, accept=True)
    with pytest.raises(ValidationError, match="lý do"):
        services.criterion_appraise(actor=prov.home_affairs, score=s11, accept=False, points=D(1))
    services.criterion_appraise(
        actor=prov.home_affairs, score=s11, accept=False, points=D(1), comment="Ban hành trễ hạn"
    )
    with pytest.raises(ValidationError, match="chưa thẩm định"):
        services.assessment_return(actor=prov.home_affairs, assessment=a)
    for s in a.scores.filter(appraisal=AppraisalStatus.PENDING):
        services.criterion_appraise(actor=prov.home_affairs, score=s, accept=True)
    a = services.assessment_return(actor=prov.home_affairs, assessment=a)
    assert a.status == AssessmentStatus.APPRAISED
    services.criterion_respond(actor=prov.chairman, score=s11, text="Đã ban hành ngày 20/01")
    # After the response the appraiser may change the score again, then finalise.
    services.criterion_appraise(
        actor=prov.home_affairs, score=s11, accept=False, points=D(2), comment="Chấp nhận một phần"
    )
    a = services.assessment_finalise(actor=prov.home_affairs, assessment=a)
    self_total = sum(s.self_score for s in a.scores.all())
    assert a.status == AssessmentStatus.FINAL
    assert a.final_total == self_total - 1 and a.final_percent == a.final_total
    assert a.band == "Xuất sắc"
    kinds = list(a.events.values_list("kind", flat=True))
    assert kinds[0] == "opened" and kinds[-1] == "finalised"
    assert kinds.count("appraised") == len(a.scores.all()) + 1  # 1.1 appraised twice
    assert "responded" in kinds and "returned" in kinds
    history = a.events.filter(kind="appraised", criterion__code="1.1").values_list(
        "data", flat=True
    )
    assert [h["points"] for h in history] == ["1.00", "2.00"]


def test_results_ranking_weakest_and_remedy(prov):
    for unit, chairman, points in (
        (prov.commune, prov.chairman, None),
        (prov.other_commune, prov.other_chairman, D(0)),
    ):
        prov.chairman = chairman
        a = services.assessment_open(actor=chairman, framework=prov.framework, unit=unit)
        _self_assess_all(prov, a, points=points)
        services.assessment_submit(actor=chairman, assessment=a)
        for s in a.scores.all():
            services.criterion_appraise(actor=prov.home_affairs, score=s, accept=True)
        services.assessment_finalise(actor=prov.home_affairs, assessment=a)
    rows = selectors.framework_results(framework=prov.framework)
    assert [(r.assessment.unit.code, r.rank) for r in rows] == [("XA01", 1), ("XA02", 2)]
    assert rows[1].band == "Yếu"
    assert sum(rows[0].areas.values()) == rows[0].percent
    weak = selectors.weakest_criteria(framework=prov.framework)
    assert weak and weak[0].attainment == D("0.5")
    assert weak[0].weak_units == [prov.other_commune]
    remedy = services.remedy_create(
        actor=prov.home_affairs,
        framework=prov.framework,
        criterion=weak[0].criterion,
        unit=prov.other_commune,
    )
    assert weak[0].criterion.code in remedy.text
    # One click: the weakness is now a directive task for the responsible unit.
    from cchc.directives.models import Task

    task = Task.objects.get(pk=remedy.directive_task_id)
    assert list(task.lead_units.all()) == [prov.other_commune]
    assert weak[0].criterion.code in task.text
    with pytest.raises(PermissionDenied):
        services.remedy_create(
            actor=prov.chairman,
            framework=prov.framework,
            criterion=weak[0].criterion,
            unit=prov.other_commune,
        )


def test_comparison_with_the_previous_year(prov):
    old = services.framework_create_from_template(actor=None, name="par_commune", year=2025)
    for fw, points in ((old, D(0)), (prov.framework, None)):
        a = services.assessment_open(actor=prov.chairman, framework=fw, unit=prov.commune)
        _self_assess_all(prov, a, points=points)
        services.assessment_submit(actor=prov.chairman, assessment=a)
        for s in a.scores.all():
            services.criterion_appraise(actor=prov.home_affairs, score=s, accept=True)
        services.assessment_finalise(actor=prov.home_affairs, assessment=a)
    history = selectors.unit_history(unit=prov.commune)
    assert [p.year for p in history] == [2025, 2026]
    assert history[1].change == history[1].percent - history[0].percent
    row = selectors.framework_results(framework=prov.framework)[0]
    assert row.previous_percent == history[0].percent


def test_criterion_edit_keeps_the_tree_consistent_and_locks_after_submission(prov):
    leaf = Criterion.objects.get(area__framework=prov.framework, code="1.1")
    with pytest.raises(ValidationError, match="tổng điểm"):
        # 1.1 sits directly under an area: the area total follows; a sub-criterion
        # must keep its parent's sum. Change a child of no parent → accepted below.
        child = Criterion.objects.filter(
            area__framework=prov.framework, parent__isnull=False
        ).first()
        if child is None:
            raise ValidationError("tổng điểm")  # commune template has no sub-criteria
        services.criterion_update(actor=prov.home_affairs, criterion=child, max_points=D(99))
    services.criterion_update(actor=prov.home_affairs, criterion=leaf, title="Kế hoạch CCHC")
    assert Criterion.objects.get(pk=leaf.pk).title == "Kế hoạch CCHC"
    with pytest.raises(PermissionDenied):
        services.criterion_update(actor=prov.chairman, criterion=leaf, title="x")
    a = services.assessment_open(actor=prov.chairman, framework=prov.framework, unit=prov.commune)
    _self_assess_all(prov, a)
    services.assessment_submit(actor=prov.chairman, assessment=a)
    with pytest.raises(ValidationError, match="không thể sửa"):
        services.criterion_update(actor=prov.home_affairs, criterion=leaf, title="y")


def test_department_template_sub_criteria_roll_up_into_their_parent(prov):
    fw = services.framework_create_from_template(actor=None, name="par_department", year=2026)
    child = Criterion.objects.get(area__framework=fw, code="1.4.1")
    parent = child.parent
    before = parent.max_points
    services.criterion_update(actor=prov.home_affairs, criterion=child, max_points=D(2))
    # 1.4.1 was worth 1: its parent grows by one point, as the sum of its sub-criteria.
    assert Criterion.objects.get(pk=parent.pk).max_points == before + 1
    with pytest.raises(ValidationError, match="tổng điểm các tiêu chí thành phần"):
        services.criterion_update(actor=prov.home_affairs, criterion=parent, max_points=D(50))
    assert Criterion.objects.get(pk=parent.pk).max_points == before + 1
    assert Framework.objects.filter(year=2026).count() == 2


def test_assessment_list_is_scoped(prov, django_assert_num_queries):
    for unit, chairman in (
        (prov.commune, prov.chairman),
        (prov.other_commune, prov.other_chairman),
    ):
        services.assessment_open(actor=chairman, framework=prov.framework, unit=unit)
    assert [a.unit for a in selectors.assessment_list(user=prov.chairman)] == [prov.commune]
    with django_assert_num_queries(3):
        assert len(selectors.assessment_list(user=prov.home_affairs)) == 2


def test_a_framework_applies_only_to_its_level(prov):
    from cchc.dossiers.tests.factories import make_unit
    from cchc.units.models import UnitKind

    agency = make_unit("Sở Tư pháp", UnitKind.AGENCY, prov.province, code="STP")
    with pytest.raises(ValidationError, match="không áp dụng"):
        services.assessment_open(actor=prov.home_affairs, framework=prov.framework, unit=agency)
    departments = services.framework_create_from_template(
        actor=None, name="par_department", year=2026
    )
    a = services.assessment_open(actor=prov.home_affairs, framework=departments, unit=agency)
    assert a.scores.count() == 27
