from django.apps import AppConfig


class ReformsConfig(AppConfig):
    name = "cchc.reforms"
    label = "reforms"
    verbose_name = "Đơn giản hóa, sáng kiến, đào tạo, tuyên truyền"
