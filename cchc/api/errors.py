"""The one error shape of the API, and the handlers that produce it.

Every error status (400, 401, 403, 404, 409, 422, 429) answers

    {"error": {"code": "...", "message": "<Vietnamese>", "fields": {"field": ["..."]}}}

and every operation declares it for those statuses (`with_errors`), so a client (and
schemathesis) never meets an undocumented body. Domain exceptions map as the UI maps
them: PermissionDenied → 403, ValidationError → 422 with field errors, DossierConflict →
409, a missing object → 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import Field

from cchc.dossiers.services import DossierConflict, IntakeRefused

ERROR_STATUSES = (400, 401, 403, 404, 409, 422, 429)


class ErrorDetail(Schema):
    code: str = Field(description="Mã lỗi ổn định cho máy đọc, ví dụ `not_found`, `conflict`.")
    message: str = Field(description="Thông báo bằng tiếng Việt cho người dùng.")
    fields: dict[str, list[str]] = Field(
        default_factory=dict, description="Lỗi theo từng trường dữ liệu gửi lên."
    )


class ErrorOut(Schema):
    error: ErrorDetail


def with_errors(responses: dict[int, Any]) -> dict[Any, Any]:
    """`responses` plus the shared error body for every error status."""
    return {**responses, frozenset(ERROR_STATUSES): ErrorOut}


class ApiError(Exception):
    """An error raised by the API layer itself (not found, rate limited...)."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}


def not_found(message: str | None = None) -> ApiError:
    return ApiError(404, "not_found", message or gettext("Không tìm thấy dữ liệu yêu cầu."))


def body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


# Pydantic's messages are English; the API answers in Vietnamese.
_PYDANTIC_MESSAGES = {
    "missing": "Trường này là bắt buộc.",
    "string_type": "Phải là chuỗi ký tự.",
    "string_too_long": "Chuỗi quá dài.",
    "string_too_short": "Chuỗi quá ngắn.",
    "int_parsing": "Phải là số nguyên.",
    "int_type": "Phải là số nguyên.",
    "int_from_float": "Phải là số nguyên.",
    "bool_parsing": "Phải là true hoặc false.",
    "bool_type": "Phải là true hoặc false.",
    "greater_than_equal": "Giá trị quá nhỏ.",
    "less_than_equal": "Giá trị quá lớn.",
    "greater_than": "Giá trị quá nhỏ.",
    "less_than": "Giá trị quá lớn.",
    "datetime_parsing": "Thời điểm không hợp lệ (ISO 8601).",
    "datetime_from_date_parsing": "Thời điểm không hợp lệ (ISO 8601).",
    "datetime_type": "Thời điểm không hợp lệ (ISO 8601).",
    "date_parsing": "Ngày không hợp lệ (YYYY-MM-DD).",
    "date_from_datetime_parsing": "Ngày không hợp lệ (YYYY-MM-DD).",
    "date_type": "Ngày không hợp lệ (YYYY-MM-DD).",
    "enum": "Giá trị không nằm trong danh sách cho phép.",
    "literal_error": "Giá trị không nằm trong danh sách cho phép.",
    "list_type": "Phải là danh sách.",
    "dict_type": "Phải là đối tượng JSON.",
    "model_type": "Phải là đối tượng JSON.",
    "model_attributes_type": "Phải là đối tượng JSON.",
    "json_invalid": "Nội dung JSON không hợp lệ.",
    "extra_forbidden": "Trường không được hỗ trợ.",
}


def _field_name(loc: Any) -> str:
    # ("body", "payload", "applicant", "name") → "applicant.name"; ("query", "limit") → "limit"
    parts = [str(p) for p in (loc or ())]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form", "file"):
        parts = parts[1:]
        if len(parts) > 1 and parts[0] in ("payload", "data", "body"):
            parts = parts[1:]
    return ".".join(parts) or NON_FIELD_ERRORS


def _validation_fields(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for err in errors:
        text = _PYDANTIC_MESSAGES.get(err.get("type", ""), "Giá trị không hợp lệ.")
        fields.setdefault(_field_name(err.get("loc")), []).append(gettext(text))
    return fields


def django_fields(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            ("__all__" if k == NON_FIELD_ERRORS else k): [str(m) for e in v for m in e.messages]
            for k, v in exc.error_dict.items()
        }
    return {}


def _first_code(exc: DjangoValidationError) -> str:
    for error in exc.error_list if not hasattr(exc, "error_dict") else []:
        if error.code:
            return str(error.code)
    if hasattr(exc, "error_dict"):
        for errors in exc.error_dict.values():
            for error in errors:
                if error.code:
                    return str(error.code)
    return "invalid"


def install(api) -> None:
    """Replace ninja's default handlers with ones answering the shared shape."""

    def respond(request: HttpRequest, status: int, payload: dict) -> HttpResponse:
        return api.create_response(request, payload, status=status)

    def on_api_error(request, exc: ApiError):
        return respond(request, exc.status, body(exc.code, exc.message, exc.fields))

    def on_ninja_validation(request, exc: NinjaValidationError):
        return respond(
            request,
            422,
            body(
                "invalid",
                gettext("Dữ liệu gửi lên không hợp lệ."),
                _validation_fields(exc.errors),
            ),
        )

    def on_authentication(request, exc: AuthenticationError):
        response = respond(
            request,
            401,
            body(
                "unauthenticated",
                gettext("Vui lòng đăng nhập hoặc gửi khóa API hợp lệ (Authorization: Bearer …)."),
            ),
        )
        response["WWW-Authenticate"] = 'Bearer realm="cchc"'
        return response

    def on_authorization(request, exc: AuthorizationError):
        return respond(request, 403, body("forbidden", gettext("Bạn không có quyền thực hiện.")))

    def on_throttled(request, exc: Throttled):
        return respond(
            request, 429, body("rate_limited", gettext("Quá nhiều yêu cầu, vui lòng thử lại sau."))
        )

    def on_http_error(request, exc: HttpError):
        status = exc.status_code
        if status == 403:
            code, message = "csrf_failed", gettext("Thiếu hoặc sai mã chống giả mạo (CSRF).")
        elif status == 404:
            code, message = "not_found", gettext("Không tìm thấy dữ liệu yêu cầu.")
        else:
            code, message = "bad_request", gettext("Yêu cầu không hợp lệ.")
            status = status if status in ERROR_STATUSES else 400
        return respond(request, status, body(code, message))

    def on_not_found(request, exc: Exception):
        return respond(request, 404, body("not_found", gettext("Không tìm thấy dữ liệu yêu cầu.")))

    def on_permission_denied(request, exc: PermissionDenied):
        message = str(exc) or gettext("Bạn không có quyền thực hiện.")
        return respond(request, 403, body("forbidden", message))

    def on_django_validation(request, exc: DjangoValidationError):
        if isinstance(exc, DossierConflict):
            return respond(request, 409, body("conflict", exc.messages[0]))
        fields = django_fields(exc)
        if isinstance(exc, IntakeRefused):
            if exc.items:
                fields.setdefault("components", []).extend(exc.items)
            return respond(
                request, 422, body(f"intake_refused_{exc.kind}", exc.messages[0], fields)
            )
        message = (
            exc.messages[0]
            if not fields
            else gettext("Dữ liệu gửi lên không hợp lệ: %(detail)s")
            % {"detail": " ".join(m for ms in fields.values() for m in ms)}
        )
        return respond(request, 422, body(_first_code(exc), message, fields))

    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(NinjaValidationError, on_ninja_validation)
    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(AuthorizationError, on_authorization)
    api.add_exception_handler(Throttled, on_throttled)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(ObjectDoesNotExist, on_not_found)
    api.add_exception_handler(PermissionDenied, on_permission_denied)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
