from django.conf.urls.i18n import i18n_patterns  # noqa: F401  (kept for future prefixed URLs)
from django.contrib import admin
from django.urls import include, path

from cchc.api.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("cchc.accounts.urls")),
    path("calendars/", include("cchc.calendars.urls")),
    path("units/", include("cchc.units.urls")),
    path("procedures/", include("cchc.procedures.urls")),
    path("dossiers/", include("cchc.dossiers.urls")),
    path("indices/", include("cchc.indices.urls")),
    path("documents/", include("cchc.documents.urls")),
    path("integrations/", include("cchc.integrations.urls")),
    path("dvc/", include("cchc.portal.urls")),
    path("directives/", include("cchc.directives.urls")),
    path("assessments/", include("cchc.assessments.urls")),
    path("reforms/", include("cchc.reforms.urls")),
    path("reports/", include("cchc.reports.urls")),
    path("floor/", include("cchc.floor.urls")),
    path("privacy/", include("cchc.privacy.urls")),
    path("api/", api.urls),
    path("sso/", include("cchc.sso.urls")),
    path("idp/", include("cchc.sso.idp.urls")),
    path("", include("cchc.core.urls")),
]
