from django.urls import path

from cchc.indices import views

app_name = "indices"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("lost/", views.lost, name="lost"),
    path("whatif/", views.whatif, name="whatif"),
    path("public/", views.public, name="public"),
]
