from django.urls import path

from cchc.privacy import views

app_name = "privacy"
urlpatterns = [
    path("ho-so/<str:code>/hien-day-du/", views.reveal, name="reveal"),
    path("xuat-du-lieu/", views.subject_export, name="subject_export"),
    path("cua-toi/tai-ve/", views.self_export, name="self_export"),
    path("nhat-ky/", views.access_log, name="access_log"),
]
