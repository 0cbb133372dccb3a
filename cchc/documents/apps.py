from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "cchc.documents"
    label = "documents"
    verbose_name = "Biểu mẫu và kết quả điện tử"
