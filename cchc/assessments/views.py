"""Screens of the reform assessments: units self-assess, Home Affairs appraises, leaders read.

Views parse input, call one service or selector, and render; rules live in services and
the pure modules.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST

from cchc.accounts.permissions import Action, has_any_permission, units_in_scope
from cchc.assessments import formulas, heads, reports, selectors, services
from cchc.assessments.models import (
    Area,
    AssessmentStatus,
    Criterion,
    CriterionScore,
    Framework,
    HeadEvaluation,
    Survey,
)
from cchc.units.models import Unit


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in name)
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    return response


def _decimal(text: str | None) -> Decimal | None:
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValidationError({"points": "Điểm phải là một số."}, code="invalid") from None


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _is_appraiser(request: HttpRequest) -> bool:
    return has_any_permission(request.user, Action.ASSESSMENT_APPRAISE)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    self_units = list(units_in_scope(request.user, Action.ASSESSMENT_SELF).order_by("name"))
    appraiser = _is_appraiser(request)
    if not self_units and not appraiser:
        raise PermissionDenied(_("Bạn không có quyền xem đánh giá cải cách hành chính."))
    return render(
        request,
        "assessments/index.html",
        {
            "assessments": selectors.assessment_list(user=request.user),
            "frameworks": list(selectors.framework_list()),
            "current_frameworks": selectors.framework_current_list(),
            "self_units": self_units,
            "appraiser": appraiser,
            "can_results": appraiser or has_any_permission(request.user, Action.DIRECTIVE_MANAGE),
            "surveys": list(selectors.survey_list()) if appraiser else [],
        },
    )


@login_required
@require_POST
def open_assessment(request: HttpRequest) -> HttpResponse:
    framework = get_object_or_404(Framework, pk=request.POST.get("framework") or 0)
    unit = get_object_or_404(Unit, code=request.POST.get("unit", ""))
    assessment = services.assessment_open(actor=request.user, framework=framework, unit=unit)
    return redirect("assessments:detail", pk=assessment.pk)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    sheet = selectors.assessment_sheet(assessment=assessment)
    fmt = request.GET.get("format")
    year = assessment.framework.year
    if fmt == "xlsx":
        return _file(
            reports.assessment_xlsx(assessment, sheet),
            reports.XLSX,
            f"chi-so-cchc-{assessment.unit.code}-{year}.xlsx",
        )
    if fmt == "docx":
        return _file(
            reports.report_docx(assessment, sheet),
            reports.DOCX,
            f"bao-cao-tu-danh-gia-cchc-{assessment.unit.code}-{year}.docx",
        )
    status = assessment.status
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "sheet": sheet,
            "events": selectors.assessment_events(assessment=assessment),
            "can_self": selectors.may_self_assess(request.user, assessment)
            and status == AssessmentStatus.DRAFT,
            "can_respond": selectors.may_self_assess(request.user, assessment)
            and status in (AssessmentStatus.APPRAISED, AssessmentStatus.RESPONDED),
            "can_appraise": selectors.may_appraise(request.user, assessment)
            and status in (AssessmentStatus.SUBMITTED, AssessmentStatus.RESPONDED),
            "can_finalise": selectors.may_appraise(request.user, assessment)
            and status
            in (AssessmentStatus.SUBMITTED, AssessmentStatus.APPRAISED, AssessmentStatus.RESPONDED),
            "history": selectors.unit_history(unit=assessment.unit),
        },
    )


def _score(pk: int, score_pk: int) -> CriterionScore:
    return get_object_or_404(CriterionScore, pk=score_pk, assessment_id=pk)


@login_required
@require_POST
def self_assess(request: HttpRequest, pk: int, score_pk: int) -> HttpResponse:
    try:
        services.criterion_self_assess(
            actor=request.user,
            score=_score(pk, score_pk),
            points=_decimal(request.POST.get("points")),
            note=request.POST.get("note", ""),
            evidence_link=request.POST.get("evidence_link", ""),
            evidence_file=request.FILES.get("evidence_file"),
        )
        messages.success(request, _("Đã lưu điểm tự chấm."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(f"/assessments/{pk}/#c{score_pk}")


@login_required
@require_POST
def appraise(request: HttpRequest, pk: int, score_pk: int) -> HttpResponse:
    try:
        accept = request.POST.get("decision") == "accept"
        services.criterion_appraise(
            actor=request.user,
            score=_score(pk, score_pk),
            accept=accept,
            points=None if accept else _decimal(request.POST.get("points")),
            comment=request.POST.get("comment", ""),
        )
        messages.success(request, _("Đã ghi kết quả thẩm định."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(f"/assessments/{pk}/#c{score_pk}")


@login_required
@require_POST
def respond(request: HttpRequest, pk: int, score_pk: int) -> HttpResponse:
    try:
        services.criterion_respond(
            actor=request.user, score=_score(pk, score_pk), text=request.POST.get("text", "")
        )
        messages.success(request, _("Đã gửi giải trình."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(f"/assessments/{pk}/#c{score_pk}")


STEPS = {
    "refresh": (
        services.assessment_refresh,
        _l("Đã cập nhật các tiêu chí tính từ dữ liệu hệ thống."),
    ),
    "submit": (services.assessment_submit, _l("Đã gửi kết quả tự đánh giá đến Sở Nội vụ.")),
    "return": (services.assessment_return, _l("Đã gửi kết quả thẩm định cho đơn vị.")),
    "finalise": (services.assessment_finalise, _l("Đã công bố kết quả.")),
}


@login_required
@require_POST
def step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in STEPS:
        raise Http404
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    service, done = STEPS[action]
    try:
        service(actor=request.user, assessment=assessment)
        messages.success(request, done)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("assessments:detail", pk=pk)


# --- Frameworks and results ----------------------------------------------------------------


@login_required
def framework(request: HttpRequest, pk: int) -> HttpResponse:
    """The framework's tree; Home Affairs edits it while no unit has opened an assessment
    on this version, and otherwise copies it to a new version."""
    fw = get_object_or_404(Framework, pk=pk)
    if not _is_appraiser(request) and not units_in_scope(request.user, Action.ASSESSMENT_SELF):
        raise PermissionDenied
    appraiser = _is_appraiser(request)
    in_use = selectors.framework_in_use(fw)
    tree = selectors.framework_tree(fw)
    return render(
        request,
        "assessments/framework.html",
        {
            "framework": fw,
            "tree": tree,
            "total": sum((a.max_points for a in tree), Decimal(0)),
            "appraiser": appraiser,
            "editable": appraiser and not in_use,
            "in_use": in_use,
            "methods": Criterion._meta.get_field("method").choices,
            "formulas": formulas.REGISTRY.values(),
            "changes": list(selectors.framework_changes(fw)[:30]) if appraiser else [],
        },
    )


def _criterion_input(post: Any) -> dict[str, Any]:
    return {
        "code": post.get("code"),
        "title": post.get("title"),
        "max_points": _decimal(post.get("max_points")),
        "evidence": post.get("evidence"),
        "method": post.get("method"),
        "formula": post.get("formula"),
    }


@login_required
@require_POST
def criterion_edit(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    criterion = get_object_or_404(Criterion, pk=criterion_pk, area__framework_id=pk)
    try:
        services.criterion_update(
            actor=request.user, criterion=criterion, **_criterion_input(request.POST)
        )
        messages.success(request, _("Đã sửa tiêu chí."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("assessments:framework", pk=pk)


@login_required
@require_POST
def criterion_add(request: HttpRequest, pk: int) -> HttpResponse:
    area = get_object_or_404(Area, pk=request.POST.get("area") or 0, framework_id=pk)
    parent = None
    if request.POST.get("parent"):
        parent = get_object_or_404(Criterion, pk=request.POST["parent"], area=area)
    try:
        data = _criterion_input(request.POST)
        services.criterion_add(
            actor=request.user,
            area=area,
            parent=parent,
            code=data["code"] or "",
            title=data["title"] or "",
            max_points=data["max_points"],
            method=data["method"] or "self",
            formula=data["formula"] or "",
            evidence=data["evidence"] or "",
        )
        messages.success(request, _("Đã thêm tiêu chí."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("assessments:framework", pk=pk)


@login_required
@require_POST
def criterion_delete(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    criterion = get_object_or_404(Criterion, pk=criterion_pk, area__framework_id=pk)
    try:
        services.criterion_delete(actor=request.user, criterion=criterion)
        messages.success(request, _("Đã xóa tiêu chí."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("assessments:framework", pk=pk)


@login_required
@require_POST
def area_edit(request: HttpRequest, pk: int, area_pk: int) -> HttpResponse:
    area = get_object_or_404(Area, pk=area_pk, framework_id=pk)
    try:
        services.area_update(actor=request.user, area=area, title=request.POST.get("title", ""))
        messages.success(request, _("Đã sửa lĩnh vực."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("assessments:framework", pk=pk)


@login_required
@require_POST
def framework_copy(request: HttpRequest, pk: int) -> HttpResponse:
    fw = get_object_or_404(Framework, pk=pk)
    copy = services.framework_copy(actor=request.user, framework=fw)
    messages.success(
        request, _("Đã tạo phiên bản %(version)s để chỉnh sửa.") % {"version": copy.version}
    )
    return redirect("assessments:framework", pk=copy.pk)


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    fw = get_object_or_404(Framework, pk=pk)
    if not has_any_permission(request.user, Action.ASSESSMENT_APPRAISE) and not has_any_permission(
        request.user, Action.DIRECTIVE_MANAGE
    ):
        raise PermissionDenied(_("Chỉ Sở Nội vụ và lãnh đạo UBND xem bảng xếp hạng."))
    rows = selectors.framework_results(framework=fw)
    weak = selectors.weakest_criteria(framework=fw)
    if request.GET.get("format") == "xlsx":
        return _file(
            reports.results_xlsx(rows, weak), reports.XLSX, f"xep-hang-cchc-{fw.year}.xlsx"
        )
    return render(
        request,
        "assessments/results.html",
        {"framework": fw, "rows": rows, "weak": weak, "appraiser": _is_appraiser(request)},
    )


@login_required
@require_POST
def remedy(request: HttpRequest, pk: int) -> HttpResponse:
    fw = get_object_or_404(Framework, pk=pk)
    criterion = get_object_or_404(Criterion, pk=request.POST.get("criterion") or 0)
    unit = get_object_or_404(Unit, pk=request.POST.get("unit") or 0)
    try:
        made = services.remedy_create(
            actor=request.user, framework=fw, criterion=criterion, unit=unit
        )
        if made.directive_task_id:
            messages.success(
                request, _("Đã giao nhiệm vụ khắc phục cho %(unit)s.") % {"unit": unit.name}
            )
        else:
            messages.success(
                request,
                f"Đã ghi nhiệm vụ khắc phục cho {unit.name} (chờ bộ theo dõi nhiệm vụ tiếp nhận).",
            )
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("assessments:results", pk=pk)


# --- Surveys -------------------------------------------------------------------------------


@login_required
def survey(request: HttpRequest, pk: int) -> HttpResponse:
    if not _is_appraiser(request):
        raise PermissionDenied
    s = get_object_or_404(Survey, pk=pk)
    if request.method == "POST" and request.POST.get("form") == "weights":
        try:
            services.survey_weights_update(
                actor=request.user,
                survey=s,
                weights={k[2:]: v for k, v in request.POST.items() if k.startswith("w_")},
            )
            messages.success(request, _("Đã cập nhật trọng số."))
        except ValidationError as exc:
            _errors(request, exc)
        return redirect("assessments:survey", pk=pk)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Vui lòng chọn tệp CSV hoặc XLSX."))
        else:
            try:
                report = services.survey_responses_import(
                    actor=request.user, survey=s, content=upload.read(), filename=upload.name
                )
                messages.success(
                    request, _("Đã nhập %(n)s phiếu khảo sát.") % {"n": report.imported}
                )
            except ValidationError as exc:
                _errors(request, exc)
        return redirect("assessments:survey", pk=pk)
    definition, rows = selectors.survey_results(survey=s)
    if request.GET.get("format") == "xlsx":
        from cchc.indices.exports import workbook

        headers = (
            "Nhóm",
            "Hạng",
            "Mã",
            "Đơn vị",
            "Số phiếu",
            *[x.title for x in definition.sub_indices],
            "Chỉ số",
            "Năm trước",
            "Thay đổi",
        )
        data = [
            [
                r.group,
                r.rank,
                r.unit.code,
                r.unit.name,
                r.result.respondents,
                *[r.result.sub_indices[x.code] for x in definition.sub_indices],
                r.result.composite,
                r.previous,
                r.change,
            ]
            for r in rows
        ]
        return _file(workbook([("Kết quả", headers, data)]), reports.XLSX, f"{s.code}.xlsx")
    return render(
        request,
        "assessments/survey.html",
        {
            "survey": s,
            "definition": definition,
            "rows": rows,
            "unit_code": request.GET.get("unit", ""),
        },
    )


# --- Heads of units --------------------------------------------------------------------------


@login_required
def head_list(request: HttpRequest) -> HttpResponse:
    if not _is_appraiser(request):
        raise PermissionDenied
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    if request.method == "POST":
        unit = get_object_or_404(Unit, code=request.POST.get("unit", ""))
        weights: dict[str, Any] = {k: request.POST.get(f"w_{k}", "0") for k in heads.COMPONENTS}
        try:
            ev = services.head_evaluation_compute(
                actor=request.user,
                unit=unit,
                year=year,
                weights=weights,
                head_name=request.POST.get("head_name", ""),
            )
            return redirect("assessments:head", pk=ev.pk)
        except ValidationError as exc:
            _errors(request, exc)
            return redirect(f"/assessments/heads/?year={year}")
    return render(
        request,
        "assessments/heads.html",
        {
            "year": year,
            "evaluations": selectors.head_list(user=request.user, year=year),
            "units": units_in_scope(request.user, Action.ASSESSMENT_APPRAISE).order_by("name"),
            "components": [(k, t, heads.DEFAULT_WEIGHTS[k]) for k, t in heads.COMPONENTS.items()],
        },
    )


@login_required
def head(request: HttpRequest, pk: int) -> HttpResponse:
    ev: HeadEvaluation = selectors.head_get(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            services.head_evaluation_confirm(
                actor=request.user, evaluation=ev, note=request.POST.get("note", "")
            )
            messages.success(request, _("Đã xác nhận kết quả đánh giá."))
        except ValidationError as exc:
            _errors(request, exc)
        return redirect("assessments:head", pk=pk)
    return render(
        request,
        "assessments/head.html",
        {
            "ev": ev,
            "lines": ev.breakdown.get("lines", []),
            "appraiser": _is_appraiser(request),
        },
    )


# --- Public SIPAS survey (linked from the receipt and the result) ------------------------------


@require_http_methods(["GET", "POST"])
def sipas_public(request: HttpRequest, code: str) -> HttpResponse:
    from cchc.accounts import throttle
    from cchc.dossiers.selectors import dossier_get_by_lookup

    secret = (request.POST.get("s") or request.GET.get("s") or "")[:64]
    refusal = throttle.hit(scope="sipas", ip=throttle.client_ip(request), code=code)
    if refusal:
        return render(request, "assessments/sipas_public.html", {"refusal": refusal}, status=429)
    dossier = dossier_get_by_lookup(code=code, secret=secret)
    if dossier is None:
        return render(
            request,
            "assessments/sipas_public.html",
            {"refusal": "Không tìm thấy hồ sơ với mã và mã tra cứu đã nhập."},
            status=404,
        )
    definition = selectors.sipas_definition(year=timezone.localdate().year)
    context: dict[str, Any] = {
        "dossier": dossier,
        "secret": secret,
        "definition": definition,
        "scale": [
            (5, "Rất hài lòng"),
            (4, "Hài lòng"),
            (3, "Bình thường"),
            (2, "Không hài lòng"),
            (1, "Rất không hài lòng"),
        ],
    }
    if request.method == "POST":
        answers = (
            {q.code: request.POST.get(q.code, "") for q in definition.questions}
            if definition
            else {}
        )
        try:
            services.sipas_public_submit(
                dossier=dossier, answers=answers, comment=request.POST.get("comment", "")
            )
            context["done"] = True
        except ValidationError as exc:
            context["errors"] = exc.messages
            return render(request, "assessments/sipas_public.html", context, status=400)
    return render(request, "assessments/sipas_public.html", context)
