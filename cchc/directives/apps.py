from django.apps import AppConfig


class DirectivesConfig(AppConfig):
    name = "cchc.directives"
    label = "directives"
    verbose_name = "Nhiệm vụ chỉ đạo"
