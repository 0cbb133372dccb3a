"""Officer, specialist and leader screens of the one-stop shop.

Views parse input with the forms of `cchc.dossiers.forms`, call one service or selector
and render. Services decide permissions and rules; their ValidationError,
PermissionDenied and DossierConflict messages (Vietnamese) go back onto the form, and
nothing is changed (each service is one transaction).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cchc.accounts.permissions import Action, units_in_scope
from cchc.documents.services import result_pdf_issue
from cchc.dossiers import selectors, services
from cchc.dossiers.fees import SETTLED
from cchc.dossiers.forms import (
    ApologiseForm,
    ApproveForm,
    AssignForm,
    FeeAssessForm,
    FeeExemptForm,
    FeeForm,
    HandoverBatchForm,
    HandoverForm,
    HandoverListForm,
    HandoverReceiveForm,
    IntakeForm,
    IssueResultForm,
    NoteForm,
    PauseForm,
    PetitionAnswerForm,
    PetitionForm,
    QueueFilterForm,
    RateForm,
    ReasonForm,
    ReassignForm,
    ResultPdfForm,
    ResumeForm,
    ReturnResultForm,
    ReturnToStepForm,
    SubjectBlockForm,
    SubjectBlockLiftForm,
    SupplementProvidedForm,
    SupplementRequestForm,
    add_service_error,
)
from cchc.dossiers.models import Dossier, DossierStatus, FeeStatus, HandoverBatch, SubjectBlock
from cchc.integrations import services as integration_services
from cchc.units.models import TERRITORIAL_KINDS, Unit, UnitKind

# --- Queues ---------------------------------------------------------------------------

QUEUE_TABS = [
    ("mine", gettext_lazy("Của tôi")),
    ("unit", gettext_lazy("Của đơn vị")),
    ("due_soon", gettext_lazy("Sắp đến hạn")),
    ("overdue", gettext_lazy("Quá hạn")),
    ("waiting_supplement", gettext_lazy("Chờ bổ sung")),
    ("to_return", gettext_lazy("Chờ trả kết quả")),
    ("bounced", gettext_lazy("Bị chuyển trả nhiều lần")),
]
PAGE_SIZE = 50


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "dossiers/forbidden.html", {"message": message}, status=403)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Work queues (mine, unit, due soon, overdue, waiting for supplement, bounced) with
    search by code, applicant or procedure; htmx requests get only the table."""
    kind = request.GET.get("kind") or "mine"
    if kind not in selectors.QUEUE_KINDS:
        kind = "mine"
    form = QueueFilterForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    qs = selectors.dossier_queue(user=request.user, kind=kind, search=search or None)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "tabs": QUEUE_TABS,
        "kind": kind,
        "form": form,
        "search": search,
        "page": page,
        "now": timezone.now(),
        "attention": selectors.user_attention_counts(user=request.user),
    }
    template = "dossiers/queue.html#results" if request.htmx else "dossiers/queue.html"
    return render(request, template, context)


# --- Intake -----------------------------------------------------------------------------


def _intake_choices(request: HttpRequest, data: Any) -> dict[str, Any]:
    """Unit and procedure pickers for the intake form (the units the user's roles cover)."""
    from cchc.procedures.selectors import procedures_for_unit

    receiving = units_in_scope(request.user, Action.DOSSIER_RECEIVE).order_by("name")
    postal = units_in_scope(request.user, Action.DOSSIER_POSTAL_RECEIVE).order_by("name")
    if postal.exists():
        # Partner staff forward to any one-stop of the province (NĐ 118/2025: receipt
        # regardless of administrative boundaries).
        receiving = (
            (receiving | Unit.objects.filter(kind=UnitKind.ONE_STOP)).distinct().order_by("name")
        )
    unit = None
    raw = (data or {}).get("receiving_unit")
    if raw and str(raw).isdigit():
        unit = receiving.filter(pk=int(raw)).first()
    unit = unit or receiving.first()
    procedures = procedures_for_unit(unit=unit) if unit is not None else None
    from cchc.procedures.models import ProcedureVersion

    procedures = procedures if procedures is not None else ProcedureVersion.objects.none()
    version = None
    raw = (data or {}).get("procedure")
    if raw and str(raw).isdigit():
        version = procedures.filter(pk=int(raw)).first()
    requirements = list(version.components.all()) if version is not None else []
    return {
        "receiving_units": receiving,
        "postal_units": postal,
        "procedures": procedures,
        "requirements": requirements,
        "store_documents": _store_documents(data),
        "unit": unit,
    }


def _store_documents(data: Any) -> list:
    """The reusable documents of the applicant whose personal ID / tax code was typed."""
    from cchc.documents.selectors import applicant_documents_for_identity
    from cchc.dossiers.models import ApplicantKind

    data = data or {}
    personal_id = str(data.get("applicant_personal_id") or "").strip()
    tax_code = str(data.get("applicant_tax_code") or "").strip()
    if not (personal_id or tax_code):
        return []
    kind = data.get("applicant_kind") or ApplicantKind.PERSON
    return list(
        applicant_documents_for_identity(
            kind=kind, personal_id=personal_id, tax_code=tax_code, reusable_only=True
        )[:50]
    )


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    """Receive a dossier (Mẫu 01) — or show why it is refused (Mẫu 02 / 03 / a block)."""
    data = request.POST if request.method == "POST" else request.GET
    choices = _intake_choices(request, data)
    unit = choices.pop("unit")
    if unit is None:
        return _forbidden(request, _("Bạn không có vai trò tiếp nhận hồ sơ tại đơn vị nào."))
    initial = {"receiving_unit": unit.pk}
    refusal = None
    status = 200
    if request.method == "POST":
        form = IntakeForm(request.POST, request.FILES, **choices)
        if form.is_valid() and request.POST.get("print_refusal"):
            built = form.service_kwargs()
            response = _intake_refusal_slip(request, form, built)
            if response is not None:
                return response
        elif form.is_valid():
            built = form.service_kwargs()
            try:
                dossier = services.dossier_receive(actor=request.user, **built["kwargs"])
            except services.IntakeRefused as exc:
                refusal = exc
                form.add_error(None, exc.messages[0])
            except ValidationError as exc:
                add_service_error(form, exc, built["field_map"])
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or _("Bạn không có quyền tiếp nhận hồ sơ."))
            else:
                request.session[f"receipt:{dossier.code}"] = dossier.issued_lookup_secret
                messages.success(
                    request, _("Đã tiếp nhận hồ sơ %(code)s.") % {"code": dossier.code}
                )
                return redirect("dossiers:receipt", code=dossier.code)
        status = 400
    else:
        form = IntakeForm(initial={**initial, **data.dict()}, **choices)
    template = "dossiers/intake.html"
    if request.htmx and request.method == "GET":
        template = "dossiers/intake.html#intake_form"
    return render(request, template, {"form": form, "refusal": refusal}, status=status)


@login_required
def intake_application_form(request: HttpRequest) -> HttpResponse:
    """ "In tờ khai": the chosen procedure's application form, printed at intake, pre-filled
    from what the officer typed and from the applicant's last filled form of the same
    procedure; blank fields are completed by hand."""
    from cchc.portal import formdefs
    from cchc.portal.selectors import application_form_for, previous_form_data_for_identity

    data = request.GET
    choices = _intake_choices(request, data)
    if choices["unit"] is None:
        return _forbidden(request, _("Bạn không có vai trò tiếp nhận hồ sơ tại đơn vị nào."))
    raw = data.get("procedure") or ""
    version = choices["procedures"].filter(pk=int(raw)).first() if raw.isdigit() else None
    if version is None:
        raise Http404(_("Chọn thủ tục hành chính trước khi in tờ khai."))
    form_def = application_form_for(procedure_code=version.procedure.code)
    if form_def is None:
        raise Http404(_("Thủ tục này chưa có mẫu tờ khai."))
    identity = {
        "full_name": (data.get("applicant_name") or "").strip(),
        "personal_id": (data.get("applicant_personal_id") or "").strip(),
        "tax_code": (data.get("applicant_tax_code") or "").strip(),
        "phone": (data.get("applicant_phone") or "").strip(),
        "email": (data.get("applicant_email") or "").strip(),
        "address": (data.get("applicant_address") or "").strip(),
        "date_of_birth": (data.get("applicant_date_of_birth") or "").strip(),
    }
    previous: dict[str, Any] = {}
    if identity["personal_id"] or identity["tax_code"]:
        previous = previous_form_data_for_identity(
            personal_id=identity["personal_id"], tax_code=identity["tax_code"], form=form_def
        )
    values = formdefs.prefill(form_def.fields, identity=identity, previous=previous)
    rows = [
        {"field": f, "value": values.get(f["name"], ""), "choices": f.get("choices") or []}
        for f in form_def.fields
    ]
    return render(
        request,
        "dossiers/application_form_print.html",
        {"form_def": form_def, "version": version, "rows": rows, "unit": choices["unit"]},
    )


class _WouldBeReceived(Exception):
    """Raised to undo an intake that the "print the refusal" button would have made."""


def _intake_refusal_slip(
    request: HttpRequest, form: IntakeForm, built: dict
) -> HttpResponse | None:
    """ "In phiếu" at the counter: the same data posted again; the refusal `dossier_receive`
    raises (nothing saved) is printed as Mẫu 02 / Mẫu 03 for the applicant. Printing never
    receives a dossier: if the data is now acceptable the attempt is rolled back and the
    officer is told to receive it with the ordinary button."""
    from cchc.documents.forms import intake_refusal_pdf

    kwargs = built["kwargs"]
    try:
        with transaction.atomic():
            services.dossier_receive(actor=request.user, **kwargs)
            raise _WouldBeReceived
    except services.IntakeRefused as exc:
        pdf = intake_refusal_pdf(
            receiving_unit=kwargs["receiving_unit"],
            procedure=kwargs["procedure"],
            applicant=kwargs["applicant"],
            refusal=exc,
            officer=request.user,
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="phieu-tu-choi-tiep-nhan.pdf"'
        return response
    except _WouldBeReceived:
        form.add_error(
            None,
            _(
                "Hồ sơ đủ điều kiện tiếp nhận, không có phiếu từ chối để in. "
                "Bấm “Tiếp nhận và cấp giấy hẹn”."
            ),
        )
    except ValidationError as exc:
        add_service_error(form, exc, built["field_map"])
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or _("Bạn không có quyền tiếp nhận hồ sơ."))
    return None


@login_required
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01); the lookup secret shows once."""
    try:
        page = selectors.dossier_page(user=request.user, code=code)
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    secret = request.session.pop(f"receipt:{code}", None)
    context = {"p": page, "d": page.dossier, "secret": secret}
    if secret:
        # The applicant scans it to choose e-mail / SMS / Zalo notifications; the secret
        # is only known now, as on the printed receipt (cchc.integrations opt-in page).
        from cchc.documents.qr import qr_svg
        from cchc.integrations.selectors import optin_url

        context["optin_url"] = optin_url(code=page.dossier.code, secret=secret)
        context["optin_qr"] = mark_safe(qr_svg(context["optin_url"]))  # our own SVG  # noqa: S308 - SVG generated by segno from our own URL, no user markup
    return render(request, "dossiers/receipt.html", context)


# --- Dossier page and its actions ----------------------------------------------------------


@dataclass
class ActionSpec:
    name: str
    label: Any
    form: type
    available: Callable[[selectors.DossierPage], bool]
    call: Callable[[Any, Dossier, Any], Any]
    form_kwargs: Callable[[selectors.DossierPage], dict] = lambda page: {}
    initial: Callable[[selectors.DossierPage], dict] = lambda page: {}
    files: bool = False
    danger: bool = False


_RUNNING = {DossierStatus.PROCESSING, DossierStatus.APPROVED}
_OPEN = {
    DossierStatus.PROCESSING,
    DossierStatus.WAITING_SUPPLEMENT,
    DossierStatus.PAUSED,
    DossierStatus.APPROVED,
}


def _st(page: selectors.DossierPage) -> str:
    return page.dossier.status


def _earlier_steps(page: selectors.DossierPage) -> list[tuple[int, str]]:
    current = page.dossier.current_step_order or 0
    seen: dict[int, str] = {}
    for row in page.steps:
        if row.step.order < current and row.step.finished_at is not None:
            seen.setdefault(row.step.order, row.step.name)
    return sorted(seen.items())


def _open_petitions(page: selectors.DossierPage) -> list:
    return [p for p in page.petitions if p.answered_at is None]


def _fee_open(page: selectors.DossierPage) -> bool:
    """Fee actions: officers of the receiving unit, while the fee is not settled."""
    return (
        page.can["receive"]
        and _st(page) != DossierStatus.WITHDRAWN
        and page.dossier.fee_status not in SETTLED
    )


def _proxies(page: selectors.DossierPage) -> list:
    """Proxies the applicant authorised through the portal (not revoked), newest first."""
    from cchc.portal.selectors import proxy_authorisations

    return proxy_authorisations(dossier_code=page.dossier.code)


def _v(form) -> int:
    return form.cleaned_data["expected_version"]


ACTIONS: dict[str, ActionSpec] = {
    spec.name: spec
    for spec in [
        ActionSpec(
            "handover",
            gettext_lazy("Chuyển bước tiếp theo / bàn giao"),
            HandoverForm,
            lambda p: _st(p) in _RUNNING and p.can["process"],
            lambda user, d, f: services.dossier_handover(
                actor=user,
                dossier=d,
                to_unit=f.cleaned_data["to_unit"],
                to_user=f.cleaned_data["to_user"],
                note=f.cleaned_data["note"],
                advance_step=not f.cleaned_data["same_step"],
                expected_version=_v(f),
            ),
            lambda p: {
                "units": selectors.dossier_handover_targets(dossier=p.dossier),
                "users": selectors.dossier_assignable_users(
                    units=[p.dossier.current_unit, p.dossier.handling_unit]
                ),
            },
        ),
        ActionSpec(
            "assign",
            gettext_lazy("Phân công xử lý"),
            AssignForm,
            lambda p: _st(p) in _OPEN and p.can["assign"],
            lambda user, d, f: services.dossier_assign(
                actor=user,
                dossier=d,
                to_user=f.cleaned_data["to_user"],
                note=f.cleaned_data["note"],
                expected_version=_v(f),
            ),
            lambda p: {"users": selectors.dossier_assignable_users(unit=p.dossier.current_unit)},
        ),
        ActionSpec(
            "approve",
            gettext_lazy("Phê duyệt kết quả"),
            ApproveForm,
            lambda p: _st(p) == DossierStatus.PROCESSING and p.can["approve"],
            lambda user, d, f: services.dossier_approve(
                actor=user, dossier=d, note=f.cleaned_data["note"], expected_version=_v(f)
            ),
        ),
        ActionSpec(
            "return_to_step",
            gettext_lazy("Chuyển trả bước trước"),
            ReturnToStepForm,
            lambda p: _st(p) in _RUNNING and p.can["process"] and bool(_earlier_steps(p)),
            lambda user, d, f: services.dossier_return_to_step(
                actor=user,
                dossier=d,
                step_order=f.cleaned_data["step_order"],
                reason=f.cleaned_data["reason"],
                expected_version=_v(f),
            ),
            lambda p: {"steps": _earlier_steps(p)},
        ),
        ActionSpec(
            "request_supplement",
            gettext_lazy("Yêu cầu bổ sung hồ sơ (Mẫu 02)"),
            SupplementRequestForm,
            lambda p: (
                _st(p) == DossierStatus.PROCESSING
                and (p.can["process"] or p.can["process_receiving"])
            ),
            lambda user, d, f: services.dossier_request_supplement(
                actor=user,
                dossier=d,
                items=f.item_list(),
                reason=f.cleaned_data["reason"],
                expected_version=_v(f),
            ),
        ),
        ActionSpec(
            "supplement_provided",
            gettext_lazy("Nhận hồ sơ bổ sung"),
            SupplementProvidedForm,
            lambda p: _st(p) == DossierStatus.WAITING_SUPPLEMENT and p.can["receive"],
            lambda user, d, f: services.dossier_supplement_provided(
                actor=user,
                dossier=d,
                components=f.components(),
                note=f.cleaned_data["note"],
                expected_version=_v(f),
            ),
            files=True,
        ),
        ActionSpec(
            "pause",
            gettext_lazy("Tạm dừng (nghĩa vụ tài chính, ...)"),
            PauseForm,
            lambda p: _st(p) == DossierStatus.PROCESSING and p.can["process"],
            lambda user, d, f: services.dossier_pause(
                actor=user,
                dossier=d,
                kind=f.cleaned_data["kind"],
                basis=f.cleaned_data["basis"],
                notice=f.cleaned_data["notice"],
                expected_version=_v(f),
            ),
        ),
        ActionSpec(
            "resume",
            gettext_lazy("Tiếp tục giải quyết"),
            ResumeForm,
            lambda p: (
                _st(p) == DossierStatus.PAUSED and (p.can["process"] or p.can["process_receiving"])
            ),
            lambda user, d, f: services.dossier_resume(
                actor=user,
                dossier=d,
                receipt=f.cleaned_data["receipt"],
                note=f.cleaned_data["note"],
                expected_version=_v(f),
            ),
        ),
        ActionSpec(
            "apologise",
            gettext_lazy("Xin lỗi và hẹn lại (Mẫu 04)"),
            ApologiseForm,
            lambda p: _st(p) in _RUNNING and p.can["apologise"] and not p.dossier.apologised_at,
            lambda user, d, f: services.dossier_apologise(
                actor=user,
                dossier=d,
                new_due=f.cleaned_data["new_due"],
                reason=f.cleaned_data["reason"],
                expected_version=_v(f),
            ),
        ),
        ActionSpec(
            "issue_result",
            gettext_lazy("Ban hành kết quả"),
            IssueResultForm,
            lambda p: _st(p) in _RUNNING and (p.can["process"] or p.can["process_receiving"]),
            lambda user, d, f: services.dossier_issue_result(
                actor=user,
                dossier=d,
                paper=f.cleaned_data["paper"],
                electronic_file=f.cleaned_data["electronic_file"],
                result_number=f.cleaned_data["result_number"],
                expected_version=_v(f),
            ),
            files=True,
        ),
        ActionSpec(
            "issue_result_pdf",
            gettext_lazy("Ban hành kết quả điện tử (ký số)"),
            ResultPdfForm,
            lambda p: _st(p) in _RUNNING and (p.can["process"] or p.can["process_receiving"]),
            lambda user, d, f: result_pdf_issue(
                dossier=d,
                actor=user,
                content=f.content(),
                paper=f.cleaned_data["paper"],
                expected_version=_v(f),
            ),
        ),
        ActionSpec(
            "return_result",
            gettext_lazy("Trả kết quả"),
            ReturnResultForm,
            lambda p: _st(p) == DossierStatus.RESULT_READY and p.can["return_result"],
            lambda user, d, f: services.dossier_return_result(
                actor=user,
                dossier=d,
                method=f.cleaned_data["method"],
                note=f.cleaned_data["note"],
                collected_by=f.collected_by(),
                expected_version=_v(f),
            ),
            form_kwargs=lambda p: {"proxies": _proxies(p)},
        ),
        ActionSpec(
            "fee_assess",
            gettext_lazy("Xác định mức phí, lệ phí"),
            FeeAssessForm,
            lambda p: _fee_open(p) and p.extras.fee_varies,
            lambda user, d, f: integration_services.fee_assess(
                actor=user, dossier=d, amount=f.cleaned_data["amount"], expected_version=_v(f)
            ),
        ),
        ActionSpec(
            "fee",
            gettext_lazy("Thu phí, lệ phí tại quầy"),
            FeeForm,
            lambda p: _fee_open(p) and p.extras.fee_outstanding > 0,
            lambda user, d, f: integration_services.payment_record_counter(
                actor=user,
                dossier=d,
                amount=f.cleaned_data["amount"],
                receipt_no=f.cleaned_data["receipt_no"],
                expected_version=_v(f),
            ),
            initial=lambda p: {"amount": p.extras.fee_outstanding},
        ),
        ActionSpec(
            "fee_exempt",
            gettext_lazy("Miễn phí, lệ phí"),
            FeeExemptForm,
            lambda p: _fee_open(p) and (p.extras.fee_outstanding > 0 or p.extras.fee_varies),
            # Exemptions stay on the domain service: no money changes hands, no receipt.
            lambda user, d, f: services.dossier_fee_record(
                actor=user,
                dossier=d,
                status=FeeStatus.EXEMPT,
                amount=Decimal(0),
                receipt=f.cleaned_data["basis"],
                expected_version=_v(f),
            ),
        ),
        ActionSpec(
            "rate",
            gettext_lazy("Ghi nhận đánh giá của người nộp"),
            RateForm,
            lambda p: _st(p) not in _OPEN and not p.dossier.rating and p.can["return_result"],
            lambda user, d, f: services.dossier_rate(
                actor=user,
                dossier=d,
                rating=f.cleaned_data["rating"],
                comment=f.cleaned_data["comment"],
                expected_version=_v(f),
            ),
        ),
        ActionSpec(
            "petition",
            gettext_lazy("Ghi nhận phản ánh, kiến nghị"),
            PetitionForm,
            lambda p: p.can["receive"],
            lambda user, d, f: services.dossier_petition_add(
                actor=user,
                dossier=d,
                kind=f.cleaned_data["kind"],
                content=f.cleaned_data["content"],
                expected_version=_v(f),
            ),
        ),
        ActionSpec(
            "petition_answer",
            gettext_lazy("Trả lời phản ánh, kiến nghị"),
            PetitionAnswerForm,
            lambda p: (
                bool(_open_petitions(p))
                and (p.can["process"] or p.can["process_receiving"] or p.can["receive"])
            ),
            lambda user, d, f: services.dossier_petition_answer(
                actor=user,
                dossier=d,
                no=f.cleaned_data["no"],
                answer=f.cleaned_data["answer"],
                expected_version=_v(f),
            ),
            lambda p: {"petitions": _open_petitions(p)},
        ),
        ActionSpec(
            "refuse",
            gettext_lazy("Từ chối giải quyết"),
            ReasonForm,
            lambda p: _st(p) in _OPEN and (p.can["process"] or p.can["process_receiving"]),
            lambda user, d, f: services.dossier_refuse(
                actor=user, dossier=d, reason=f.cleaned_data["reason"], expected_version=_v(f)
            ),
            danger=True,
        ),
        ActionSpec(
            "stop",
            gettext_lazy("Dừng giải quyết theo đề nghị của người nộp"),
            ReasonForm,
            lambda p: (
                _st(p)
                in {
                    DossierStatus.PROCESSING,
                    DossierStatus.WAITING_SUPPLEMENT,
                    DossierStatus.PAUSED,
                }
                and p.can["receive"]
            ),
            lambda user, d, f: services.dossier_stop_request(
                actor=user, dossier=d, reason=f.cleaned_data["reason"], expected_version=_v(f)
            ),
            danger=True,
        ),
        ActionSpec(
            "withdraw",
            gettext_lazy("Người nộp rút hồ sơ"),
            ReasonForm,
            lambda p: _st(p) in _OPEN and p.can["receive"],
            lambda user, d, f: services.dossier_withdraw(
                actor=user, dossier=d, reason=f.cleaned_data["reason"], expected_version=_v(f)
            ),
            danger=True,
        ),
        ActionSpec(
            "note",
            gettext_lazy("Thêm ghi chú nội bộ"),
            NoteForm,
            lambda p: True,
            lambda user, d, f: services.dossier_note_add(
                actor=user, dossier=d, text=f.cleaned_data["text"], expected_version=_v(f)
            ),
        ),
    ]
}


@dataclass
class ShownAction:
    spec: ActionSpec
    form: Any
    url: str
    open: bool = False


def _actions(page: selectors.DossierPage, bound: ShownAction | None = None) -> list[ShownAction]:
    shown = []
    for spec in ACTIONS.values():
        if bound is not None and spec.name == bound.spec.name:
            shown.append(bound)
            continue
        if not spec.available(page):
            continue
        form = spec.form(
            initial={"expected_version": page.dossier.version, **spec.initial(page)},
            prefix=spec.name,
            **spec.form_kwargs(page),
        )
        url = reverse("dossiers:action", kwargs={"code": page.dossier.code, "action": spec.name})
        shown.append(ShownAction(spec=spec, form=form, url=url))
    return shown


def _load_page(request: HttpRequest, code: str) -> selectors.DossierPage:
    # Another unit's dossier answers exactly as a code that does not exist: a staff
    # account must not learn which codes exist elsewhere (no existence oracle).
    try:
        page = selectors.dossier_page(user=request.user, code=code)
    except (Dossier.DoesNotExist, PermissionDenied) as exc:
        raise Http404(_("Không tìm thấy hồ sơ.")) from exc
    # Fees, payments, signed results and notifications kept by the other apps.
    page.extras = selectors.dossier_page_extras(dossier=page.dossier)
    return page


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    """The dossier: applicant, components, step clock (Mẫu 05), timeline, step actions."""
    page = _load_page(request, code)
    return render(
        request,
        "dossiers/detail.html",
        {"p": page, "d": page.dossier, "actions": _actions(page), "now": timezone.now()},
    )


@login_required
def result_file(request: HttpRequest, code: str) -> HttpResponse:
    """The signed electronic result, for the staff who may see the dossier."""
    try:
        dossier = selectors.dossier_get_for_user(user=request.user, code=code)
    except (Dossier.DoesNotExist, PermissionDenied) as exc:
        raise Http404 from exc
    if not dossier.result_file:
        raise Http404(_("Hồ sơ chưa có kết quả điện tử."))
    return FileResponse(
        dossier.result_file.open("rb"),
        content_type="application/pdf",
        filename=f"ket-qua-{dossier.code}.pdf",
    )


@require_POST
@login_required
def action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    page = _load_page(request, code)
    form = spec.form(request.POST, request.FILES, prefix=spec.name, **spec.form_kwargs(page))
    status = 400
    if form.is_valid():
        try:
            spec.call(request.user, page.dossier, form)
        except ValidationError as exc:
            add_service_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            status = 403
        else:
            messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": spec.label})
            url = reverse("dossiers:detail", kwargs={"code": code})
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
    url = reverse("dossiers:action", kwargs={"code": code, "action": spec.name})
    bound = ShownAction(spec=spec, form=form, url=url, open=True)
    if request.htmx:
        # htmx swaps only 2xx responses: the refused form comes back with its messages.
        return render(
            request, "dossiers/detail.html#action", {"a": bound, "d": page.dossier, "p": page}
        )
    return render(
        request,
        "dossiers/detail.html",
        {"p": page, "d": page.dossier, "actions": _actions(page, bound), "now": timezone.now()},
        status=status,
    )


# --- Leader view ------------------------------------------------------------------------


def _pick_unit(request: HttpRequest, units) -> Unit | None:
    raw = request.GET.get("unit") or request.POST.get("unit")
    if raw and str(raw).isdigit():
        unit = Unit.objects.filter(pk=int(raw)).first()
        if unit is None:
            raise Http404(_("Không tìm thấy đơn vị."))
        return unit
    return units.first()


@login_required
def leader(request: HttpRequest) -> HttpResponse:
    """The unit's dossiers for its leader: late, at risk, bounced, by step and officer."""
    units = units_in_scope(request.user, Action.DOSSIER_ASSIGN).order_by("name")
    unit = _pick_unit(request, units)
    if unit is None:
        return _forbidden(request, _("Bạn không có vai trò lãnh đạo đơn vị nào."))
    try:
        board = selectors.unit_dashboard(user=request.user, unit=unit)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    return render(
        request, "dossiers/leader.html", {"board": board, "units": units, "now": timezone.now()}
    )


# --- Daily work -----------------------------------------------------------------------------


@login_required
def reassign(request: HttpRequest) -> HttpResponse:
    """Move an absent officer's open dossiers to a colleague (recorded on each dossier)."""
    units = units_in_scope(request.user, Action.DOSSIER_ASSIGN).order_by("name")
    unit = _pick_unit(request, units)
    if unit is None:
        return _forbidden(request, _("Bạn không có quyền phân công hồ sơ tại đơn vị nào."))
    users = selectors.dossier_assignable_users(unit=unit)
    status = 200
    if request.method == "POST":
        form = ReassignForm(request.POST, units=units, users=users)
        if form.is_valid():
            try:
                moved = services.dossier_reassign(
                    actor=request.user,
                    unit=form.cleaned_data["unit"],
                    from_user=form.cleaned_data["from_user"],
                    to_user=form.cleaned_data["to_user"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Đã chuyển %(n)s hồ sơ cho %(user)s.")
                    % {"n": len(moved), "user": form.cleaned_data["to_user"]},
                )
                return redirect(f"{reverse('dossiers:reassign')}?unit={unit.pk}")
        status = 400
    else:
        form = ReassignForm(initial={"unit": unit.pk}, units=units, users=users)
    return render(request, "dossiers/reassign.html", {"form": form, "unit": unit}, status=status)


@login_required
def handover_list(request: HttpRequest) -> HttpResponse:
    """Danh sách bàn giao hồ sơ of a day between two units, to print and sign."""
    units = units_in_scope(request.user, Action.DOSSIER_VIEW).order_by("name")
    if not units.exists():
        return _forbidden(request, _("Bạn không có quyền xem hồ sơ tại đơn vị nào."))
    targets = Unit.objects.exclude(kind__in=TERRITORIAL_KINDS).order_by("name")
    data = request.GET.copy()
    data.setdefault("day", timezone.localdate().isoformat())
    if "from_unit" not in data:
        data["from_unit"] = str(units.first().pk)
    form = HandoverListForm(data, units=units, targets=targets)
    events = []
    status = 200
    if form.is_valid():
        try:
            events = selectors.handover_list(
                user=request.user,
                from_unit=form.cleaned_data["from_unit"],
                to_unit=form.cleaned_data["to_unit"],
                day=form.cleaned_data["day"],
            )
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
    else:
        status = 400
    template = (
        "dossiers/handover_print.html"
        if request.GET.get("print")
        else "dossiers/handover_list.html"
    )
    return render(request, template, {"form": form, "events": events}, status=status)


# --- Batch hand-over lists (phiếu bàn giao: printed, signed, received back) ------------------


def _targets():
    return Unit.objects.exclude(kind__in=TERRITORIAL_KINDS).order_by("name")


@login_required
def handover_batches(request: HttpRequest) -> HttpResponse:
    """Make a batch hand-over list from the dossiers a unit holds; lists sent and received."""
    units = units_in_scope(request.user, Action.DOSSIER_PROCESS).order_by("name")
    from_unit = None
    raw = request.POST.get("from_unit") or request.GET.get("from_unit")
    if raw and str(raw).isdigit():
        from_unit = units.filter(pk=int(raw)).first()
    from_unit = from_unit or units.first()
    if from_unit is None:
        return _forbidden(request, _("Bạn không có vai trò xử lý hồ sơ tại đơn vị nào."))
    candidates = selectors.dossier_queue(user=request.user, kind="unit", unit=from_unit)
    kwargs = {"units": units, "targets": _targets(), "candidates": candidates}
    status = 200
    if request.method == "POST":
        form = HandoverBatchForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                batch = services.handover_batch_create(
                    actor=request.user,
                    from_unit=form.cleaned_data["from_unit"],
                    to_unit=form.cleaned_data["to_unit"],
                    dossiers=list(form.cleaned_data["dossiers"]),
                    note=form.cleaned_data["note"],
                    expected_versions=form.expected_versions(),
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("Đã lập phiếu bàn giao %(code)s.") % {"code": batch.code}
                )
                return redirect("dossiers:handover_batch", pk=batch.pk)
        status = 400
    else:
        form = HandoverBatchForm(initial={"from_unit": from_unit.pk}, **kwargs)
    batches = selectors.handover_batch_list(user=request.user)[:50]
    return render(
        request,
        "dossiers/handover_batches.html",
        {"form": form, "candidates": candidates, "batches": batches, "from_unit": from_unit},
        status=status,
    )


@login_required
def handover_batch(request: HttpRequest, pk: int) -> HttpResponse:
    """One hand-over list: print it to sign; the receiving unit confirms it came back."""
    try:
        batch = selectors.handover_batch_get_for_user(user=request.user, pk=pk)
    except HandoverBatch.DoesNotExist as exc:
        raise Http404 from exc
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    status = 200
    if request.method == "POST":
        form = HandoverReceiveForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.handover_batch_receive(
                    actor=request.user,
                    batch=batch,
                    received_by_name=form.cleaned_data["received_by_name"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
                status = 403
            else:
                messages.success(request, _("Đã xác nhận nhận hồ sơ theo phiếu bàn giao."))
                return redirect("dossiers:handover_batch", pk=batch.pk)
    else:
        form = HandoverReceiveForm()
    template = (
        "dossiers/handover_batch_print.html"
        if request.GET.get("print")
        else "dossiers/handover_batch.html"
    )
    return render(request, template, {"batch": batch, "form": form}, status=status)


# --- Intake blocks (ngăn chặn tiếp nhận) ---------------------------------------------------


@login_required
def blocks(request: HttpRequest) -> HttpResponse:
    """Blocks on receiving dossiers about a subject: those in force, and a form for units
    that may issue them (a department, or a court's notice recorded by it)."""
    units = units_in_scope(request.user, Action.DOSSIER_BLOCK_SUBJECT).order_by("name")
    status = 200
    form = None
    if units.exists():
        if request.method == "POST":
            form = SubjectBlockForm(request.POST, units=units)
            status = 400
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.subject_block_create(
                        actor=request.user,
                        unit=data["unit"],
                        subject_kind=data["subject_kind"],
                        subject_key=data["subject_key"],
                        subject_label=data["subject_label"],
                        reason=data["reason"],
                        basis=data["basis"],
                        valid_from=data["valid_from"],
                        valid_to=data["valid_to"],
                    )
                except ValidationError as exc:
                    add_service_error(form, exc)
                except PermissionDenied as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(request, _("Đã ghi nhận ngăn chặn tiếp nhận."))
                    return redirect("dossiers:blocks")
        else:
            form = SubjectBlockForm(initial={"unit": units.first().pk}, units=units)
    elif request.method == "POST":
        return _forbidden(request, _("Bạn không có quyền ngăn chặn tiếp nhận hồ sơ."))
    items = selectors.subject_block_list(user=request.user)
    return render(
        request,
        "dossiers/blocks.html",
        {"form": form, "blocks": items, "lift_form": SubjectBlockLiftForm()},
        status=status,
    )


@require_POST
@login_required
def block_lift(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        block = selectors.subject_block_get_for_user(user=request.user, pk=pk)
    except SubjectBlock.DoesNotExist as exc:
        raise Http404 from exc
    form = SubjectBlockLiftForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.subject_block_lift(actor=request.user, block=block, reason=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    else:
        messages.success(request, _("Đã gỡ bỏ ngăn chặn."))
    return redirect("dossiers:blocks")
