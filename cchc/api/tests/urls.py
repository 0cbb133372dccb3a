"""The API alone, for tests run before config/urls.py mounts it."""

from django.urls import path

from cchc.api.api import api

urlpatterns = [path("api/", api.urls)]
