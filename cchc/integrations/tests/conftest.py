"""Fixtures: the dossier world (clock + units + procedure) and integration settings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cchc.dossiers.tests.conftest import Clock, clock  # noqa: F401  (fixture re-export)
from cchc.dossiers.tests.factories import make_world, receive
from cchc.integrations.notifications.channels import LocalSmsChannel, LocalZaloChannel


@pytest.fixture(autouse=True)
def _hook_registered():
    """Our commit hook is subscribed in AppConfig.ready(); another app's test may have
    cleared the shared list, so make sure it is there for ours."""
    from cchc.dossiers.services import ON_COMMIT_HOOKS
    from cchc.integrations.hooks import on_dossier_committed

    if on_dossier_committed not in ON_COMMIT_HOOKS:
        ON_COMMIT_HOOKS.append(on_dossier_committed)
    from cchc.dossiers.services import IN_TRANSACTION_HOOKS
    from cchc.integrations.portal.outbox import on_dossier_changed

    if on_dossier_changed not in IN_TRANSACTION_HOOKS:
        IN_TRANSACTION_HOOKS.append(on_dossier_changed)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _local_outboxes():
    LocalSmsChannel.sent.clear()
    LocalZaloChannel.sent.clear()
    yield
    LocalSmsChannel.sent.clear()
    LocalZaloChannel.sent.clear()


@pytest.fixture
def integ(settings):
    """CCHC_INTEGRATIONS as a mutable dict the test can change (channels to fail...)."""
    import copy

    from cchc.integrations.conf import DEFAULTS

    cfg = copy.deepcopy(DEFAULTS)
    cfg["PUBLIC_BASE_URL"] = "https://dvc.example.vn"
    cfg["PAYMENT_PROVIDERS"]["sandbox"]["CALLBACK_TRANSPORT"] = "inprocess"
    settings.CCHC_INTEGRATIONS = cfg
    return cfg


@pytest.fixture
def world(db, clock):  # noqa: F811
    return make_world(fee=Decimal(50000))


@pytest.fixture
def dossier(world):
    return receive(world)
