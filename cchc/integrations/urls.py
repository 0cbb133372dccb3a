from django.urls import path

from cchc.integrations import views
from cchc.integrations.portal import views as portal_views

app_name = "integrations"
urlpatterns = [
    path("thanh-toan/<str:code>/", views.payment, name="payment"),
    path("thanh-toan-ket-qua/<slug:provider>/", views.payment_return, name="payment_return"),
    path("thanh-toan-ipn/<slug:provider>/", views.payment_ipn, name="payment_ipn"),
    path("sandbox-pay/", views.sandbox_pay, name="sandbox_pay"),
    path("nhan-thong-bao/<str:code>/", views.optin, name="optin"),
    path("thong-bao/", views.notification_list, name="notifications"),
    path("thong-bao/<int:pk>/gui-lai/", views.notification_retry, name="notification_retry"),
    path("dong-bo-cong-dvcqg/", portal_views.sync_list, name="portal_sync"),
    path("dong-bo-cong-dvcqg/<int:pk>/gui-lai/", portal_views.sync_retry, name="portal_retry"),
    path(
        "dong-bo-cong-dvcqg/gui-lai-tat-ca/", portal_views.sync_retry_all, name="portal_retry_all"
    ),
    path("portal-sandbox/api/", portal_views.sandbox_api, name="portal_sandbox_api"),
]
