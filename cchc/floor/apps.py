from django.apps import AppConfig


class FloorConfig(AppConfig):
    name = "cchc.floor"
    label = "floor"
    verbose_name = "Trung tâm phục vụ: xếp hàng, quầy, đánh giá"
