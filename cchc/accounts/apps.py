from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cchc.accounts"
    label = "accounts"
    verbose_name = "Tài khoản và vai trò"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from cchc.accounts.middleware import mark_signed_in

        def _on_login(sender, request, user, **kwargs):
            if request is not None and hasattr(request, "session"):
                mark_signed_in(request, user)

        user_logged_in.connect(_on_login, dispatch_uid="cchc.accounts.session_clocks", weak=False)
