from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "cchc.sso"
    label = "sso"
    verbose_name = "Đăng nhập một lần (OpenID Connect)"

    def ready(self) -> None:
        from cchc.sso import checks, client  # noqa: F401  (registers checks and a signal receiver)
