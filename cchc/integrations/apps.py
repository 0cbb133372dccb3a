from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "cchc.integrations"
    label = "integrations"
    verbose_name = "Kết nối (thông báo, thanh toán, Cổng DVCQG)"

    def ready(self) -> None:
        # The dossier domain calls each subscribed hook after a write commits.
        from cchc.dossiers.services import ON_COMMIT_HOOKS
        from cchc.integrations.hooks import on_dossier_committed

        if on_dossier_committed not in ON_COMMIT_HOOKS:
            ON_COMMIT_HOOKS.append(on_dossier_committed)
