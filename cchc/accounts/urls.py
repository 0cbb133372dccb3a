from django.contrib.auth import views as auth_views
from django.urls import path

from cchc.accounts import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("xac-thuc-hai-buoc/", views.otp_verify, name="otp_verify"),
    path("xac-thuc-hai-buoc/cai-dat/", views.otp_setup, name="otp_setup"),
    path("doi-mat-khau/", views.password_change, name="password_change"),
]
