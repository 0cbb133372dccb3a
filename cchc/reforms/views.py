"""Screens: where time goes (process mining), a procedure's map and measured effect,
simplification proposals with their compliance cost and review."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc.accounts.permissions import Action, has_any_permission, units_in_scope
from cchc.core.uploads import check_upload
from cchc.procedures.models import Procedure
from cchc.reforms import selectors, services
from cchc.reforms.models import (
    ChangeKind,
    Initiative,
    OutreachActivity,
    OutreachKind,
    Proposal,
    ProposalStatus,
    TrainingMaterial,
    TrainingSession,
)
from cchc.reforms.processmap import process_map


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2000), 2100)


def _require_reader(request: HttpRequest) -> None:
    if not has_any_permission(request.user, Action.REPORT_VIEW):
        raise PermissionDenied(_("Bạn không có quyền xem số liệu cải cách thủ tục hành chính."))


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Process mining of a year over the user's units, and the ranked candidates."""
    _require_reader(request)
    year = _year(request)
    data = selectors.mining_overview(user=request.user, year=year)
    return render(request, "reforms/overview.html", {"data": data, "year": year})


def _procedure(request: HttpRequest, pk: int) -> Procedure:
    _require_reader(request)
    return get_object_or_404(Procedure, pk=pk)


@login_required
def procedure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = _procedure(request, pk)
    year = _year(request)
    data = selectors.mining_overview(user=request.user, year=year, procedure=procedure)
    result = data.results[0] if data.results else None
    effect = selectors.procedure_effect(user=request.user, procedure=procedure)
    return render(
        request,
        "reforms/procedure.html",
        {"procedure": procedure, "year": year, "data": data, "result": result, "effect": effect},
    )


@login_required
def procedure_map(request: HttpRequest, pk: int) -> HttpResponse:
    """The process map image (SVG; ?format=png for documents)."""
    procedure = _procedure(request, pk)
    fmt = "png" if request.GET.get("format") == "png" else "svg"
    data = selectors.mining_overview(user=request.user, year=_year(request), procedure=procedure)
    if not data.results:
        raise Http404(_("Chưa có hồ sơ của thủ tục này trong năm."))
    image = process_map(data.results[0], title=f"{procedure.code} — {procedure.name}", fmt=fmt)
    return HttpResponse(image, content_type="image/svg+xml" if fmt == "svg" else "image/png")


def _cost_inputs(post) -> services.CostInputs:
    """The compliance-cost fields of the proposal forms (missing ones take the service's
    defaults)."""
    return {name: post[name] for name in services.COST_INPUTS if name in post}  # type: ignore[return-value]


@login_required
def proposals(request: HttpRequest) -> HttpResponse:
    """Proposals of the user's units; a form to start one."""
    _require_reader(request)
    units = units_in_scope(request.user, Action.REPORT_VIEW).order_by("name")
    if request.method == "POST":
        post = request.POST
        try:
            unit = units.get(pk=post.get("unit") or 0)
            procedure = Procedure.objects.get(pk=post.get("procedure") or 0)
            proposal = services.proposal_create(
                actor=request.user,
                unit=unit,
                procedure=procedure,
                title=post.get("title", ""),
                rationale=post.get("rationale", ""),
                **_cost_inputs(post),
            )
        except (units.model.DoesNotExist, Procedure.DoesNotExist):
            messages.error(request, _("Vui lòng chọn đơn vị và thủ tục."))
        except ValidationError as exc:
            _errors(request, exc)
        else:
            return redirect("reforms:proposal", pk=proposal.pk)
    rows = list(selectors.proposal_list(user=request.user).prefetch_related("items"))
    costs = [(p, selectors.proposal_cost(p)) for p in rows]
    return render(
        request,
        "reforms/proposals.html",
        {
            "costs": costs,
            "units": units,
            "procedures": selectors.procedures_in_scope(user=request.user),
            "form": request.POST,
        },
    )


@login_required
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    try:
        p = selectors.proposal_get(user=request.user, pk=pk)
    except Proposal.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "reforms/proposal.html",
        {
            "p": p,
            "cost": selectors.proposal_cost(p),
            "kinds": ChangeKind.choices,
            "can_review": p.status == ProposalStatus.SUBMITTED
            and units_in_scope(request.user, Action.DIRECTIVE_MANAGE).filter(pk=p.unit_id).exists(),
        },
    )


@login_required
@require_POST
def proposal_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _require_reader(request)
    try:
        p = selectors.proposal_get(user=request.user, pk=pk)
    except Proposal.DoesNotExist as exc:
        raise Http404 from exc
    post = request.POST
    try:
        if action == "item":
            services.proposal_item_add(
                actor=request.user,
                proposal=p,
                kind=post.get("kind", ""),
                target=post.get("target", ""),
                hours_saved=post.get("hours_saved", "0"),
                cost_saved=post.get("cost_saved", "0"),
                fee_saved=post.get("fee_saved", "0"),
                days_saved=post.get("days_saved", "0"),
            )
        elif action == "inputs":
            services.proposal_update(actor=request.user, proposal=p, **_cost_inputs(post))
            messages.success(request, _("Đã cập nhật số liệu tính chi phí."))
        elif action == "submit":
            services.proposal_submit(actor=request.user, proposal=p)
        elif action in ("approve", "reject"):
            deadline = None
            if post.get("deadline"):
                try:
                    deadline = dt.date.fromisoformat(post["deadline"])
                except ValueError:
                    raise ValidationError(_("Thời hạn không hợp lệ.")) from None
            services.proposal_review(
                actor=request.user,
                proposal=p,
                approve=action == "approve",
                note=post.get("note", ""),
                deadline=deadline,
            )
        else:
            raise Http404
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("reforms:proposal", pk=p.pk)


# --- Initiatives, training, outreach ------------------------------------------------------


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        raise ValidationError(_("Ngày không hợp lệ.")) from None


@login_required
def community(request: HttpRequest) -> HttpResponse:
    """Initiatives, training sessions (and who is untrained), outreach, assisted dossiers.
    Sessions are organised on their own page (training_new)."""
    _require_reader(request)
    units = units_in_scope(request.user, Action.REPORT_VIEW).order_by("name")
    year = _year(request)
    if request.method == "POST":
        post = request.POST
        try:
            unit = units.filter(pk=post.get("unit") or 0).first()
            if unit is None:
                raise ValidationError(_("Vui lòng chọn đơn vị."))
            form = post.get("form")
            if form == "initiative":
                procedure = None
                if post.get("procedure"):
                    procedure = (
                        selectors.procedures_in_scope(user=request.user)
                        .filter(pk=post["procedure"])
                        .first()
                    )
                services.initiative_submit(
                    actor=request.user,
                    unit=unit,
                    title=post.get("title", ""),
                    description=post.get("description", ""),
                    procedure=procedure,
                    metric=post.get("metric", ""),
                )
            elif form == "outreach":
                services.outreach_create(
                    actor=request.user,
                    unit=unit,
                    kind=post.get("kind", ""),
                    title=post.get("title", ""),
                    held_on=_date(post.get("held_on", "")),
                    reach=post.get("reach", "0"),
                )
            else:
                raise Http404
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Đã ghi nhận."))
            return redirect(f"{request.path}?year={year}")
    data = selectors.community_overview(user=request.user, year=year)
    return render(
        request,
        "reforms/community.html",
        {
            "data": data,
            "year": year,
            "units": units,
            "outreach_kinds": OutreachKind.choices,
            "metrics": selectors.METRICS.values(),
            "procedures": selectors.procedures_in_scope(user=request.user),
            "can_review": has_any_permission(request.user, Action.DIRECTIVE_MANAGE),
        },
    )


@login_required
@require_POST
def initiative_review(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    initiative = get_object_or_404(
        Initiative, pk=pk, unit__in=units_in_scope(request.user, Action.REPORT_VIEW)
    )
    try:
        applied_on = request.POST.get("applied_on")
        services.initiative_review(
            actor=request.user,
            initiative=initiative,
            status=request.POST.get("status", ""),
            note=request.POST.get("note", ""),
            applied_on=_date(applied_on) if applied_on else None,
        )
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("reforms:community")


def _people(request: HttpRequest, name: str) -> list:
    """Users picked in a form, kept only when they are staff of a unit in scope."""
    ids = {int(i) for i in request.POST.getlist(name) if i.isdigit()}
    return [
        u
        for _unit, people in selectors.staff_by_unit(user=request.user)
        for u in people
        if u.pk in ids
    ]


@login_required
def training_new(request: HttpRequest) -> HttpResponse:
    """Organise a training session: topic, date, trainers, the people called by unit."""
    _require_reader(request)
    units = units_in_scope(request.user, Action.REPORT_VIEW).order_by("name")
    if request.method == "POST":
        post = request.POST
        try:
            unit = units.filter(pk=post.get("unit") or 0).first()
            if unit is None:
                raise ValidationError(_("Vui lòng chọn đơn vị."))
            people = list({u.pk: u for u in _people(request, "participants")}.values())
            present = {u.pk for u in _people(request, "present")}
            session = services.training_session_create(
                actor=request.user,
                unit=unit,
                topic=post.get("topic", ""),
                held_on=_date(post.get("held_on", "")),
                participants=people,
                trainers=post.get("trainers", ""),
                materials=post.get("materials", ""),
                absent=[u for u in people if u.pk not in present],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Đã tạo lớp tập huấn."))
            return redirect("reforms:training", pk=session.pk)
    return render(
        request,
        "reforms/training_new.html",
        {
            "units": units,
            "staff": selectors.staff_by_unit(user=request.user),
            "form": request.POST,
            "picked": {int(i) for i in request.POST.getlist("participants") if i.isdigit()},
            "present": {int(i) for i in request.POST.getlist("present") if i.isdigit()},
        },
    )


def _session(request: HttpRequest, pk: int):
    _require_reader(request)
    try:
        return selectors.training_session_get(user=request.user, pk=pk)
    except TrainingSession.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def training(request: HttpRequest, pk: int) -> HttpResponse:
    """A session: details, who was called and who attended (by unit), materials."""
    session = _session(request, pk)
    if request.method == "POST":
        post = request.POST
        action = post.get("action")
        try:
            if action == "details":
                services.training_session_update(
                    actor=request.user,
                    session=session,
                    topic=post.get("topic", ""),
                    held_on=_date(post.get("held_on", "")),
                    trainers=post.get("trainers", ""),
                    materials=post.get("materials", ""),
                )
                messages.success(request, _("Đã lưu thông tin lớp tập huấn."))
            elif action == "attendance":
                services.training_attendance_set(
                    actor=request.user,
                    session=session,
                    participants=_people(request, "participants"),
                    present=_people(request, "present"),
                )
                messages.success(request, _("Đã lưu danh sách tham gia."))
            elif action == "material":
                upload = request.FILES.get("file")
                if upload is None:
                    raise ValidationError(_("Vui lòng chọn tệp tài liệu."))
                services.training_material_add(
                    actor=request.user, session=session, upload=check_upload(upload)
                )
                messages.success(request, _("Đã thêm tài liệu."))
            elif action == "remove_material":
                material = get_object_or_404(
                    TrainingMaterial, pk=post.get("material") or 0, session=session
                )
                services.training_material_remove(actor=request.user, material=material)
                messages.success(request, _("Đã xóa tài liệu."))
            else:
                raise Http404
        except ValidationError as exc:
            _errors(request, exc)
        else:
            return redirect("reforms:training", pk=session.pk)
    return render(
        request,
        "reforms/training.html",
        {"sheet": selectors.training_session_sheet(user=request.user, session=session)},
    )


@login_required
def training_material(request: HttpRequest, pk: int, material_pk: int) -> HttpResponse:
    session = _session(request, pk)
    material = get_object_or_404(TrainingMaterial, pk=material_pk, session=session)
    return FileResponse(
        material.file.open("rb"),
        content_type=material.content_type,
        as_attachment=True,
        filename=material.original_name,
    )


@login_required
def outreach_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    try:
        activity = selectors.outreach_get(user=request.user, pk=pk)
    except OutreachActivity.DoesNotExist as exc:
        raise Http404 from exc
    if request.method == "POST":
        post = request.POST
        try:
            services.outreach_update(
                actor=request.user,
                activity=activity,
                kind=post.get("kind", ""),
                title=post.get("title", ""),
                held_on=_date(post.get("held_on", "")),
                reach=post.get("reach", "0"),
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Đã lưu hoạt động tuyên truyền."))
            return redirect(f"{reverse('reforms:community')}?year={activity.held_on.year}")
    return render(
        request,
        "reforms/outreach.html",
        {"a": activity, "kinds": OutreachKind.choices, "form": request.POST},
    )
