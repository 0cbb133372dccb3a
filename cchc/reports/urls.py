from django.urls import path

from cchc.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("dang-ky/", views.schedule_create, name="schedule_create"),
    path("<int:pk>/", views.job, name="job"),
    path("<int:pk>/tai-ve/", views.download, name="download"),
]
