"""The local identity provider (tests and demo only; 404 unless enabled)."""

from django.urls import path

from cchc.sso.idp import views

app_name = "idp"
urlpatterns = [
    path(".well-known/openid-configuration", views.discovery, name="discovery"),
    path("jwks.json", views.jwks, name="jwks"),
    path("authorize", views.authorize, name="authorize"),
    path("token", views.token, name="token"),
    path("userinfo", views.userinfo, name="userinfo"),
]
