from django.urls import path, re_path

from cchc.documents import views

app_name = "documents"
urlpatterns = [
    path("dossiers/<str:code>/forms/<slug:form>.pdf", views.form_pdf, name="form_pdf"),
    re_path(
        r"^units/(?P<code>[^/]+)/tracking-book\.(?P<fmt>pdf|xlsx)$",
        views.tracking_book,
        name="tracking_book",
    ),
    path("xac-thuc/", views.verify_upload, name="verify_upload"),
    path("xac-thuc/<str:token>/", views.verify_token, name="verify_token"),
]
