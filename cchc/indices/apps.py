from django.apps import AppConfig


class IndicesConfig(AppConfig):
    name = "cchc.indices"
    label = "indices"
    verbose_name = "Chỉ số phục vụ (766)"
