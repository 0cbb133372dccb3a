from django.apps import AppConfig


class IndicesConfig(AppConfig):
    name = "cchc.indices"
    label = "indices"
    verbose_name = "Chỉ số phục vụ (766)"

    def ready(self) -> None:
        # Keep the index rollups current after every dossier event (see indices.rollups).
        from cchc.dossiers.services import ON_COMMIT_HOOKS
        from cchc.indices.rollups import on_dossier_committed

        if on_dossier_committed not in ON_COMMIT_HOOKS:
            ON_COMMIT_HOOKS.append(on_dossier_committed)
