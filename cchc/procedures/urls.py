from django.urls import path

from . import views

app_name = "procedures"
urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<str:code>/", views.detail, name="detail"),
]
