"""Public portal pages (/dvc/). Views parse input, call one selector or service, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from cchc.accounts import throttle
from cchc.core.uploads import check_upload
from cchc.dossiers import services as dossier_services
from cchc.dossiers.models import DossierStatus, Rating
from cchc.dossiers.selectors import dossier_get_by_lookup
from cchc.portal import formdefs, selectors, services
from cchc.portal.models import PetitionKind
from cchc.procedures.models import OnlineLevel, Procedure, ProcedureLevel
from cchc.procedures.selectors import procedure_catalog, procedure_get, sector_list
from cchc.units.models import Unit

SESSION_SECRETS = "portal_issued_secrets"


def _messages(exc: ValidationError | PermissionDenied) -> dict[str, list[str]]:
    if isinstance(exc, PermissionDenied):
        return {"__all__": [str(exc) or "Bạn không có quyền thực hiện thao tác này."]}
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def _missing_from(exc: ValidationError) -> list[str]:
    """The pre-check's list of missing components, if that is what was refused."""
    for e in getattr(exc, "error_dict", {}).get("components", []):
        if e.code == "incomplete":
            return list(e.params["missing"])
    return []


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {})


# --- Catalog --------------------------------------------------------------------------------


def catalog(request: HttpRequest) -> HttpResponse:
    filters = {
        "text": request.GET.get("q", "").strip()[:200],
        "sector": request.GET.get("linh_vuc", "").strip()[:64],
        "level": request.GET.get("cap", "").strip(),
        "online_level": request.GET.get("truc_tuyen", "").strip(),
    }
    if filters["level"] not in ProcedureLevel.values:
        filters["level"] = ""
    if filters["online_level"] not in OnlineLevel.values:
        filters["online_level"] = ""
    versions = list(procedure_catalog(**{k: v or None for k, v in filters.items()}))
    return render(
        request,
        "portal/catalog.html",
        {
            "versions": versions,
            "filters": filters,
            "sectors": list(sector_list()),
            "levels": [c for c in ProcedureLevel.choices if c[0] != ProcedureLevel.DISTRICT],
            "online_levels": OnlineLevel.choices,
        },
    )


def _version_in_force(procedure: Procedure):
    now = timezone.now()
    for v in procedure.versions.all():
        if v.valid_from <= now and (v.valid_to is None or v.valid_to > now):
            return v
    return None


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        procedure = procedure_get(code=code)
    except Procedure.DoesNotExist:
        raise Http404("Không tìm thấy thủ tục.") from None
    version = _version_in_force(procedure)
    if version is None or not procedure.is_active:
        raise Http404("Thủ tục không còn áp dụng.")
    return render(
        request,
        "portal/procedure_detail.html",
        {
            "procedure": procedure,
            "version": version,
            "online": version.online_level != OnlineLevel.NONE,
            "form": selectors.application_form_for(procedure_code=procedure.code),
        },
    )


# --- Online submission --------------------------------------------------------------------


def _applicant_from_post(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    dob_raw = request.POST.get("date_of_birth", "").strip()
    try:
        dob = dt.date.fromisoformat(dob_raw) if dob_raw else None
    except ValueError:
        dob = "invalid"
    kind = "organisation" if user.tax_code and not user.personal_id else "person"
    return {
        "kind": kind,
        # The identity comes from the signed-in account, not from the form.
        "name": user.full_name or user.get_username(),
        "personal_id": user.personal_id,
        "tax_code": user.tax_code,
        "date_of_birth": dob,
        "address": request.POST.get("address", ""),
        "phone": request.POST.get("phone", ""),
        "email": request.POST.get("email", ""),
    }


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, code: str) -> HttpResponse:
    try:
        procedure = procedure_get(code=code)
    except Procedure.DoesNotExist:
        raise Http404("Không tìm thấy thủ tục.") from None
    version = _version_in_force(procedure)
    if version is None or version.online_level == OnlineLevel.NONE:
        raise Http404("Thủ tục này không nộp trực tuyến.")
    unit_id = request.POST.get("don_vi") or request.GET.get("don_vi") or ""
    unit = (
        selectors.submission_unit_get(version=version, pk=int(unit_id))
        if unit_id.isdigit()
        else None
    )
    if unit is None:
        text = request.GET.get("q", "").strip()[:100]
        return render(
            request,
            "portal/submit_unit.html",
            {
                "procedure": procedure,
                "version": version,
                "units": selectors.submission_units(version=version, text=text),
                "q": text,
            },
        )
    form = selectors.application_form_for(procedure_code=procedure.code)
    identity = selectors.identity_of(user=request.user)
    previous = selectors.previous_applicant_data(user=request.user)
    store = selectors.applicant_store(user=request.user)
    requirements = [
        r
        for r in version.components.all()
        if not (form and form.component_order is not None and r.order == form.component_order)
    ]
    errors: dict[str, list[str]] = {}
    missing: list[str] = []
    if request.method == "POST":
        form_data = {
            f["name"]: request.POST.get(f"form_{f['name']}", "")
            for f in (form.fields if form else [])
        }
        values = form_data
        applicant_values = {
            k: request.POST.get(k, "") for k in ("address", "phone", "email", "date_of_birth")
        }
        choices: dict[int, services.ComponentChoice] = {}
        for req in requirements:
            upload = request.FILES.get(f"file_{req.pk}")
            reuse = request.POST.get(f"reuse_{req.pk}", "").strip()
            if upload is not None:
                try:
                    checked = check_upload(upload, field=f"component_{req.pk}")
                except ValidationError as exc:
                    for k, v in _messages(exc).items():
                        errors.setdefault(k, []).extend(v)
                    continue
                choices[req.pk] = services.ComponentChoice(requirement=req, upload=checked)
            elif reuse:
                choices[req.pk] = services.ComponentChoice(requirement=req, reuse_reference=reuse)
        if request.POST.get("action") == "precheck":
            try:
                services.online_submission_precheck(
                    actor=request.user, version=version, form_data=form_data, choices=choices
                )
            except ValidationError as exc:
                missing = _missing_from(exc)
                errors.update(_messages(exc))
                if missing:
                    errors.pop("components", None)
        elif not errors:
            refusal = throttle.submission_refused(request, scope="portal-submit")
            if refusal:
                return render(
                    request, "accounts/too_many_requests.html", {"refusal": refusal}, status=429
                )
            try:
                dossier = services.online_dossier_submit(
                    actor=request.user,
                    version=version,
                    receiving_unit=unit,
                    applicant=_applicant_from_post(request),
                    form_data=form_data,
                    choices=choices,
                    assisted_by_name=(
                        request.POST.get("assisted_by_name", "")
                        if request.POST.get("assisted") == "1"
                        else ""
                    ),
                )
            except ValidationError as exc:
                missing = _missing_from(exc)
                errors.update(_messages(exc))
                if missing:
                    errors.pop("components", None)
            else:
                secrets_map = request.session.get(SESSION_SECRETS, {})
                secrets_map[dossier.code] = dossier.issued_lookup_secret
                request.session[SESSION_SECRETS] = secrets_map
                return redirect("portal:receipt", code=dossier.code)
        status = 400 if (errors or missing) and request.POST.get("action") != "precheck" else 200
    else:
        values = formdefs.prefill(
            form.fields if form else [],
            identity=identity,
            previous=selectors.previous_form_data(user=request.user, form=form) if form else {},
        )
        applicant_values = {**previous}
        status = 200
    precheck_ok = (
        request.method == "POST"
        and request.POST.get("action") == "precheck"
        and not (missing or errors)
    )
    return render(
        request,
        "portal/submit_form.html",
        {
            "procedure": procedure,
            "version": version,
            "unit": unit,
            "form": form,
            "fields": form.fields if form else [],
            "values": values,
            "identity": identity,
            "applicant_values": applicant_values,
            "requirements": requirements,
            "store": store,
            "errors": errors,
            "missing": missing,
            "precheck_ok": precheck_ok,
        },
        status=status,
    )


@login_required
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    try:
        dossier = selectors.my_dossier_get(user=request.user, code=code)
    except PermissionDenied:
        raise Http404("Không tìm thấy hồ sơ.") from None
    # The lookup secret is shown once: popped from the session on the first display.
    secrets_map = request.session.get(SESSION_SECRETS, {})
    secret = secrets_map.pop(code, "")
    request.session[SESSION_SECRETS] = secrets_map
    lookup_url = request.build_absolute_uri(reverse("portal:lookup") + f"?ma={dossier.code}")
    rate_url = (
        request.build_absolute_uri(reverse("portal:rate", args=[dossier.code]) + f"?s={secret}")
        if secret
        else ""
    )
    return render(
        request,
        "portal/receipt.html",
        {
            "dossier": dossier,
            "secret": secret,
            "lookup_url": lookup_url,
            "rate_url": rate_url,
            "qr": _qr(lookup_url),
            "optin_url": (
                f"{_integration_url('optin', dossier.code)}?s={secret}"
                if secret and _integration_url("optin", dossier.code)
                else ""
            ),
        },
    )


def _qr(text: str) -> str:
    """Inline SVG QR code of the lookup link (generated by us, no user markup)."""
    try:
        from cchc.documents.qr import qr_svg
    except ImportError:
        return ""
    return mark_safe(qr_svg(text))  # noqa: S308 - SVG generated by segno from our own URL, no user markup


# --- Status lookup ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    code = (request.POST.get("ma") or request.GET.get("ma") or "").strip()[:64]
    context: dict[str, Any] = {"code": code}
    if request.method == "POST":
        refusal = throttle.hit(scope="lookup", ip=throttle.client_ip(request), code=code)
        if refusal:
            context["refusal"] = refusal
            return render(request, "portal/lookup.html", context, status=429)
        status = selectors.public_status(code=code, secret=request.POST.get("s", "")[:64])
        if status is None:
            context["not_found"] = selectors.NOT_FOUND_MESSAGE
            return render(request, "portal/lookup.html", context, status=404)
        context["status"] = status
    return render(request, "portal/lookup.html", context)


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, code: str) -> HttpResponse:
    secret = (request.POST.get("s") or request.GET.get("s") or "")[:64]
    refusal = throttle.hit(scope="rate", ip=throttle.client_ip(request), code=code)
    if refusal:
        return render(request, "portal/rate.html", {"refusal": refusal}, status=429)
    dossier = dossier_get_by_lookup(code=code, secret=secret)
    if dossier is None:
        return render(
            request, "portal/rate.html", {"not_found": selectors.NOT_FOUND_MESSAGE}, status=404
        )
    context: dict[str, Any] = {
        "status": selectors.public_status_build(dossier),
        "secret": secret,
        "ratings": Rating.choices,
    }
    if request.method == "POST":
        try:
            dossier_services.dossier_rate(
                actor=None,
                dossier=dossier,
                rating=request.POST.get("rating", ""),
                comment=request.POST.get("comment", "")[:2000],
                lookup_secret=secret,
            )
        except ValidationError as exc:
            context["errors"] = _messages(exc)
            return render(request, "portal/rate.html", context, status=400)
        context["done"] = True
        context["status"] = selectors.public_status_build(dossier)
    return render(request, "portal/rate.html", context)


# --- My dossiers -----------------------------------------------------------------------------


def _integration_url(name: str, code: str) -> str | None:
    """A page of cchc.integrations (payments, notification opt-in) if it is installed."""
    try:
        return reverse(f"integrations:{name}", args=[code])
    except NoReverseMatch:
        return None


def _payment_link(dossier) -> str | None:
    """Seam to the payments app: `cchc.integrations.payments.payment_link(dossier=...)` if
    it exists, else its payment page; without either, the page says pay at the counter."""
    try:
        from cchc.integrations.payments import payment_link  # type: ignore[attr-defined]
    except ImportError:
        return _integration_url("payment", dossier.code)
    return payment_link(dossier=dossier)


@login_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    rows = selectors.dossier_list_for_applicant(user=request.user)
    return render(request, "portal/my_dossiers.html", {"rows": rows})


@login_required
def my_dossier(request: HttpRequest, code: str) -> HttpResponse:
    try:
        dossier = selectors.my_dossier_get(user=request.user, code=code)
    except PermissionDenied:
        raise Http404("Không tìm thấy hồ sơ.") from None
    status = selectors.public_status_build(dossier)
    return render(
        request,
        "portal/my_dossier.html",
        {
            "dossier": dossier,
            "status": status,
            "components": selectors.my_dossier_components(dossier=dossier),
            "ratings": Rating.choices,
            "payment_link": _payment_link(dossier) if dossier.fee_status == "unpaid" else None,
            "result_ready": bool(dossier.result_file)
            and dossier.status in (DossierStatus.RESULT_READY, DossierStatus.RETURNED),
            "errors": {},
        },
    )


def _my_dossier_error(
    request: HttpRequest, code: str, exc: ValidationError | PermissionDenied
) -> HttpResponse:
    dossier = selectors.my_dossier_get(user=request.user, code=code)
    return render(
        request,
        "portal/my_dossier.html",
        {
            "dossier": dossier,
            "status": selectors.public_status_build(dossier),
            "components": selectors.my_dossier_components(dossier=dossier),
            "ratings": Rating.choices,
            "payment_link": None,
            "result_ready": False,
            "errors": _messages(exc),
        },
        status=403 if isinstance(exc, PermissionDenied) else 400,
    )


@login_required
@require_POST
def my_supplement(request: HttpRequest, code: str) -> HttpResponse:
    try:
        dossier = selectors.my_dossier_get(user=request.user, code=code)
    except PermissionDenied:
        raise Http404("Không tìm thấy hồ sơ.") from None
    status = selectors.public_status_build(dossier)
    uploads = []
    try:
        for i, item in enumerate(status.supplement_items):
            f = request.FILES.get(f"file_{i}")
            if f is not None:
                uploads.append((item, check_upload(f, field=f"file_{i}")))
        services.online_supplement(
            actor=request.user,
            code=code,
            uploads=uploads,
            note=request.POST.get("note", "")[:2000],
            expected_version=_int(request.POST.get("version")),
        )
    except (ValidationError, PermissionDenied) as exc:
        return _my_dossier_error(request, code, exc)
    return redirect("portal:my_dossier", code=code)


@login_required
@require_POST
def my_rate(request: HttpRequest, code: str) -> HttpResponse:
    try:
        dossier = selectors.my_dossier_get(user=request.user, code=code)
    except PermissionDenied:
        raise Http404("Không tìm thấy hồ sơ.") from None
    try:
        dossier_services.dossier_rate(
            actor=request.user,
            dossier=dossier,
            rating=request.POST.get("rating", ""),
            comment=request.POST.get("comment", "")[:2000],
        )
    except (ValidationError, PermissionDenied) as exc:
        return _my_dossier_error(request, code, exc)
    return redirect("portal:my_dossier", code=code)


@login_required
@require_POST
def my_proxy(request: HttpRequest, code: str) -> HttpResponse:
    try:
        selectors.my_dossier_get(user=request.user, code=code)
    except PermissionDenied:
        raise Http404("Không tìm thấy hồ sơ.") from None
    try:
        f = request.FILES.get("document")
        if f is None:
            raise ValidationError(
                {
                    "document": ValidationError(
                        "Vui lòng đính kèm văn bản ủy quyền.", code="required"
                    )
                }
            )
        services.proxy_authorise(
            actor=request.user,
            code=code,
            proxy_name=request.POST.get("proxy_name", ""),
            proxy_personal_id=request.POST.get("proxy_personal_id", ""),
            document=check_upload(f, field="document"),
        )
    except (ValidationError, PermissionDenied) as exc:
        return _my_dossier_error(request, code, exc)
    return redirect("portal:my_dossier", code=code)


@login_required
@require_POST
def my_close(request: HttpRequest, code: str, what: str) -> HttpResponse:
    """Withdraw the dossier (rút hồ sơ) or ask to stop processing (NĐ 118/2025 Art. 21)."""
    try:
        dossier = selectors.my_dossier_get(user=request.user, code=code)
    except PermissionDenied:
        raise Http404("Không tìm thấy hồ sơ.") from None
    service = (
        dossier_services.dossier_withdraw
        if what == "withdraw"
        else dossier_services.dossier_stop_request
    )
    try:
        service(
            actor=request.user,
            dossier=dossier,
            reason=request.POST.get("reason", "")[:2000],
            expected_version=_int(request.POST.get("version")),
        )
    except (ValidationError, PermissionDenied) as exc:
        return _my_dossier_error(request, code, exc)
    return redirect("portal:my_dossier", code=code)


@login_required
def my_result(request: HttpRequest, code: str) -> HttpResponse:
    try:
        dossier = selectors.my_dossier_get(user=request.user, code=code)
    except PermissionDenied:
        raise Http404("Không tìm thấy hồ sơ.") from None
    if not dossier.result_file:
        raise Http404("Hồ sơ chưa có kết quả điện tử.")
    return FileResponse(
        dossier.result_file.open("rb"),
        as_attachment=True,
        filename=f"ket-qua-{dossier.code}.pdf",
        content_type="application/pdf",
    )


@login_required
def my_store(request: HttpRequest) -> HttpResponse:
    """The applicant's data store: earlier results and digitized papers, downloadable."""
    return render(
        request, "portal/my_store.html", {"items": selectors.applicant_store(user=request.user)}
    )


@login_required
def my_store_download(request: HttpRequest) -> HttpResponse:
    found = selectors.applicant_store_file(user=request.user, reference=request.GET.get("ref", ""))
    if found is None:
        raise Http404("Không tìm thấy giấy tờ trong kho dữ liệu của bạn.")
    stored, name = found
    ext = stored.name.rsplit(".", 1)[-1].lower() if "." in stored.name else "bin"
    return FileResponse(stored.open("rb"), as_attachment=True, filename=f"{name}.{ext}")


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


# --- Petitions -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def petition(request: HttpRequest) -> HttpResponse:
    units = list(Unit.objects.filter(kind="one_stop").order_by("name")[:500])
    context: dict[str, Any] = {
        "units": units,
        "kinds": PetitionKind.choices,
        "values": request.POST
        if request.method == "POST"
        else {"dossier_code": request.GET.get("ma", "")},
        "errors": {},
    }
    if request.method == "POST":
        refusal = throttle.submission_refused(request, scope="portal-petition")
        if refusal:
            return render(
                request, "accounts/too_many_requests.html", {"refusal": refusal}, status=429
            )
        unit = next((u for u in units if str(u.pk) == request.POST.get("unit")), None)
        try:
            if unit is None:
                raise ValidationError(
                    {"unit": ValidationError("Vui lòng chọn cơ quan tiếp nhận.", code="required")}
                )
            p = services.petition_submit(
                actor=request.user if request.user.is_authenticated else None,
                unit=unit,
                kind=request.POST.get("kind", ""),
                content=request.POST.get("content", ""),
                submitter_name=request.POST.get("submitter_name", ""),
                submitter_contact=request.POST.get("submitter_contact", ""),
                dossier_code=request.POST.get("dossier_code", "")[:64],
            )
        except ValidationError as exc:
            context["errors"] = _messages(exc)
            return render(request, "portal/petition.html", context, status=400)
        return render(request, "portal/petition_done.html", {"petition": p})
    return render(request, "portal/petition.html", context)


@login_required
def petition_staff_list(request: HttpRequest) -> HttpResponse:
    from cchc.portal.models import Petition

    if request.method == "POST":
        p = (
            Petition.objects.select_related("unit")
            .filter(code=request.POST.get("code", ""))
            .first()
        )
        if p is None:
            raise Http404("Không tìm thấy phản ánh.")
        try:
            services.petition_respond(
                actor=request.user, petition=p, response=request.POST.get("response", "")
            )
        except ValidationError as exc:
            rows = list(selectors.petition_list_for_unit(user=request.user))
            return render(
                request,
                "portal/petition_staff.html",
                {"rows": rows, "errors": _messages(exc), "now": timezone.now()},
                status=400,
            )
        return redirect("portal:petition_staff")
    rows = list(selectors.petition_list_for_unit(user=request.user))
    return render(
        request, "portal/petition_staff.html", {"rows": rows, "errors": {}, "now": timezone.now()}
    )


@require_http_methods(["GET", "POST"])
def petition_lookup(request: HttpRequest) -> HttpResponse:
    """The submitter reads the answer with the code + secret and rates the handling once."""
    code = (request.POST.get("ma") or request.GET.get("ma") or "").strip()[:40]
    context: dict[str, Any] = {"code": code, "ratings": Rating.choices, "errors": {}}
    if request.method == "POST":
        refusal = throttle.hit(scope="petition", ip=throttle.client_ip(request), code=code)
        if refusal:
            context["refusal"] = refusal
            return render(request, "portal/petition_lookup.html", context, status=429)
        secret = request.POST.get("s", "")[:64]
        p = selectors.petition_get_by_lookup(code=code, secret=secret)
        if p is None:
            context["not_found"] = (
                "Không tìm thấy phản ánh, kiến nghị với mã và mã tra cứu đã nhập."
            )
            return render(request, "portal/petition_lookup.html", context, status=404)
        context.update({"petition": p, "secret": secret})
        if request.POST.get("rating"):
            try:
                context["petition"] = services.petition_rate(
                    code=code, secret=secret, rating=request.POST["rating"]
                )
            except ValidationError as exc:
                context["errors"] = _messages(exc)
                return render(request, "portal/petition_lookup.html", context, status=400)
    return render(request, "portal/petition_lookup.html", context)
