"""Downloads of official forms and the tracking book (staff), and the public verification
of signed results. Views parse input, call one selector/service and render."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from cchc.documents import selectors, services
from cchc.documents.forms import FORMS, form_render_pdf, tracking_book_pdf, tracking_book_xlsx
from cchc.dossiers.models import Dossier
from cchc.units.models import Unit

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _messages(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _bad_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return render(request, "documents/error.html", {"messages_list": _messages(exc)}, status=400)


def _file(data: bytes, content_type: str, filename: str, *, inline: bool) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{_SAFE.sub("_", filename)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def form_pdf(request: HttpRequest, code: str, form: str) -> HttpResponse:
    """GET prints a form; POST (receipt only) also prints the lookup secret handed over at
    intake, so the secret never travels in a URL."""
    if form not in FORMS:
        raise Http404
    try:
        dossier = selectors.dossier_for_forms(user=request.user, code=code)
    except (Dossier.DoesNotExist, PermissionDenied) as exc:
        # The same answer for "no such dossier" and "not yours": nothing leaks.
        raise Http404 from exc
    secret = request.POST.get("lookup_secret") if request.method == "POST" else None
    try:
        pdf = form_render_pdf(dossier=dossier, form=form, lookup_secret=secret or None)
    except ValidationError as exc:
        return _bad_request(request, exc)
    return _file(pdf, "application/pdf", f"{form}-{dossier.code}.pdf", inline=True)


@login_required
def tracking_book(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    try:
        unit = selectors.unit_for_book(user=request.user, code=code)
    except (Unit.DoesNotExist, PermissionDenied) as exc:
        raise Http404 from exc
    try:
        start, end = selectors.parse_book_range(request.GET.get("from"), request.GET.get("to"))
    except ValidationError as exc:
        return _bad_request(request, exc)
    name = f"so-theo-doi-{unit.code}-{start:%Y%m%d}-{end:%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        return _file(tracking_book_xlsx(unit=unit, start=start, end=end), XLSX, name, inline=False)
    return _file(
        tracking_book_pdf(unit=unit, start=start, end=end), "application/pdf", name, inline=True
    )


def verify_token(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the page the QR code on a signed result opens."""
    if not _TOKEN.match(token):
        raise Http404
    result = services.result_verify(token=token)
    if result is None:
        raise Http404
    return render(request, "documents/verify.html", {"result": result, "via": "token"})


@require_http_methods(["GET", "POST"])
def verify_upload(request: HttpRequest) -> HttpResponse:
    """Public: upload a PDF to check its signature and whether this system issued it."""
    if request.method == "GET":
        return render(request, "documents/verify_upload.html", {})
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationError({"file": ["Vui lòng chọn tệp PDF cần xác thực."]})
        if upload.size > services.MAX_DOCUMENT_BYTES:
            raise ValidationError({"file": ["Tệp vượt quá dung lượng cho phép (20 MB)."]})
        result = services.result_verify(pdf=upload.read())
    except ValidationError as exc:
        return render(
            request,
            "documents/verify_upload.html",
            {"errors": _messages(exc)},
            status=400,
        )
    return render(request, "documents/verify.html", {"result": result, "via": "upload"})
