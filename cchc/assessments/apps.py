from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "cchc.assessments"
    label = "assessments"
    verbose_name = "Đánh giá cải cách hành chính"
