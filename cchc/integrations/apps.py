from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "cchc.integrations"
    label = "integrations"
    verbose_name = "Kết nối (thông báo, thanh toán, Cổng DVCQG)"
