"""The REST API: one NinjaAPI instance, mounted at /api/ by config/urls.py.

OpenAPI 3.1 at /api/openapi.json, Swagger UI at /api/docs (ninja's bundled static files,
so it works offline and under our CSP). Domain routers live in cchc/api/routers/; every
operation declares the shared error body (cchc.api.errors) for its error statuses.
"""

from __future__ import annotations

from ninja import NinjaAPI

from cchc.api import errors
from cchc.api.routers import directives, dossiers, indices, procedures, public, reports

api = NinjaAPI(
    title="CCHC API",
    version="1.0.0",
    description=(
        "API của hệ thống một cửa: danh mục thủ tục, hồ sơ và các thao tác xử lý, tra cứu "
        "công khai, đánh giá, Chỉ số 766, nhiệm vụ chỉ đạo, báo cáo định kỳ; trạng thái hồ sơ "
        "theo dạng "
        "Open311 GeoReport v2.\n\n"
        "Xác thực: khóa API (`Authorization: Bearer cchc_…`, tạo bằng "
        "`cchc api_token_create --user U --name N`) cho hệ thống; phiên đăng nhập (kèm "
        "`X-CSRFToken` khi ghi) cho trình duyệt. Quyền như trên giao diện.\n\n"
        'Mọi lỗi có dạng `{"error": {"code", "message", "fields"}}`.'
    ),
    urls_namespace="api",
)
errors.install(api)

api.add_router("", procedures.router)
api.add_router("", dossiers.router)
api.add_router("", public.router)
api.add_router("/open311/v2", public.open311)
api.add_router("", indices.router)
api.add_router("", directives.router)
api.add_router("", reports.router)
