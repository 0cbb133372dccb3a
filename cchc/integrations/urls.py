from django.urls import path

from cchc.integrations import views

app_name = "integrations"
urlpatterns = [
    path("thanh-toan/<str:code>/", views.payment, name="payment"),
    path("thanh-toan-ket-qua/<slug:provider>/", views.payment_return, name="payment_return"),
    path("thanh-toan-ipn/<slug:provider>/", views.payment_ipn, name="payment_ipn"),
    path("sandbox-pay/", views.sandbox_pay, name="sandbox_pay"),
    path("nhan-thong-bao/<str:code>/", views.optin, name="optin"),
    path("thong-bao/", views.notification_list, name="notifications"),
    path("thong-bao/<int:pk>/gui-lai/", views.notification_retry, name="notification_retry"),
]
