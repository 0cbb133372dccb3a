from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "cchc.integrations"
    label = "integrations"
    verbose_name = "Kết nối (thông báo, thanh toán, Cổng DVCQG)"

    def ready(self) -> None:
        # The dossier domain calls each subscribed hook after a write commits.
        from cchc.dossiers import services
        from cchc.integrations.hooks import on_dossier_committed

        if on_dossier_committed not in services.ON_COMMIT_HOOKS:
            services.ON_COMMIT_HOOKS.append(on_dossier_committed)

        # Portal synchronisation (cchc.integrations.portal): the outbox message is written
        # in the dossier service's own transaction; bulk-simulated dossiers are backfilled
        # after their commit; the sync rate is the index's DOSSIER_SYNC figure.
        from cchc.dossiers.simulation import AFTER_BULK_HOOKS
        from cchc.indices.sources import register_database_batch, register_database_criterion
        from cchc.integrations.portal.outbox import on_dossier_changed, portal_after_bulk
        from cchc.integrations.portal.selectors import dossier_sync_figure, dossier_sync_many

        if on_dossier_changed not in services.IN_TRANSACTION_HOOKS:
            services.IN_TRANSACTION_HOOKS.append(on_dossier_changed)
        if portal_after_bulk not in AFTER_BULK_HOOKS:
            AFTER_BULK_HOOKS.append(portal_after_bulk)
        register_database_criterion("DOSSIER_SYNC", dossier_sync_figure)
        # The dashboard asks for many (period, unit) pairs: one read per distinct period.
        register_database_batch(["DOSSIER_SYNC"], dossier_sync_many)
