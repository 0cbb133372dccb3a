from django.urls import path

from cchc.sso import views

app_name = "sso"
urlpatterns = [
    path("<slug:provider>/", views.start, name="start"),
    path("<slug:provider>/callback/", views.callback, name="callback"),
]
