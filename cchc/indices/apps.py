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

        # The period rollups change in the dossier service's own transaction (decision 0007);
        # the bulk simulation writes no events through the services: rebuild after it.
        from cchc.dossiers import services
        from cchc.dossiers.simulation import AFTER_BULK_HOOKS
        from cchc.indices.stats_rollups import on_dossier_changed, rebuild_after_bulk

        if on_dossier_changed not in services.IN_TRANSACTION_HOOKS:
            services.IN_TRANSACTION_HOOKS.append(on_dossier_changed)
        if rebuild_after_bulk not in AFTER_BULK_HOOKS:
            AFTER_BULK_HOOKS.append(rebuild_after_bulk)

        # Criteria computed from the catalog, petitions and payments (not dossier facts).
        from cchc.indices.database_criteria import register_all

        register_all()
