from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cchc.core"
    label = "core"
    verbose_name = "Lõi hệ thống"

    def ready(self) -> None:
        # Each app's nav.py registers its menu links and home-page widgets.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("nav")
