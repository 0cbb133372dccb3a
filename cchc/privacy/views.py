"""Screens of the privacy app: reveal with a reason, the data-subject export, the citizen's
own download and the access log. Each parses, calls one service or selector, renders."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cchc.accounts.permissions import Action, has_any_permission
from cchc.accounts.throttle import client_ip
from cchc.dossiers.models import Dossier
from cchc.dossiers.selectors import dossier_get_for_user
from cchc.privacy import selectors, services

ZIP = "application/zip"


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"__all__": list(exc.messages)}


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "privacy/forbidden.html", {"message": message}, status=403)


def _zip_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=ZIP)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def reveal(request: HttpRequest, code: str) -> HttpResponse:
    """'Hiện đầy đủ' on the dossier page: the applicant's identifiers in full, logged."""
    try:
        dossier = dossier_get_for_user(user=request.user, code=code)
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    reason = request.POST.get("reason", "")
    context = {"d": dossier, "reason": reason[:1000]}
    try:
        services.personal_data_reveal(
            actor=request.user, dossier=dossier, reason=reason, ip=client_ip(request)
        )
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    except ValidationError as exc:
        context["reveal_errors"] = [m for ms in _messages(exc).values() for m in ms]
        if request.htmx:
            # htmx swaps only 2xx responses: the refused form comes back with its message.
            return render(request, "privacy/_applicant_facts.html", context)
        return render(request, "privacy/reveal.html", context, status=400)
    context["revealed"] = True
    template = "privacy/_applicant_facts.html" if request.htmx else "privacy/reveal.html"
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def subject_export(request: HttpRequest) -> HttpResponse:
    """Staff: export everything held about a person (by personal ID) on their request."""
    if not has_any_permission(request.user, Action.PERSONAL_DATA_EXPORT):
        return _forbidden(request, "Bạn không có quyền xuất dữ liệu cá nhân.")
    errors: dict[str, list[str]] = {}
    values = {"personal_id": "", "reason": ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "")[:1000] for k in values}
        try:
            content, _count = services.personal_data_export(
                actor=request.user,
                personal_id=values["personal_id"],
                reason=values["reason"],
                ip=client_ip(request),
            )
        except ValidationError as exc:
            errors = _messages(exc)
        else:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            return _zip_response(content, f"du-lieu-ca-nhan-{stamp}.zip")
    return render(
        request,
        "privacy/subject_export.html",
        {"errors": errors, "values": values},
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def self_export(request: HttpRequest) -> HttpResponse:
    """A citizen downloads their own data (from the portal account pages)."""
    if request.method == "POST":
        content = services.personal_data_self_export(actor=request.user, ip=client_ip(request))
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return _zip_response(content, f"du-lieu-cua-toi-{stamp}.zip")
    return render(request, "privacy/self_export.html")


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    """Who saw or exported personal data, in the units the user answers for."""
    if not has_any_permission(request.user, Action.PERSONAL_DATA_EXPORT):
        return _forbidden(request, "Bạn không có quyền xem nhật ký truy cập dữ liệu cá nhân.")
    return render(
        request, "privacy/access_log.html", {"rows": selectors.access_log(user=request.user)}
    )
