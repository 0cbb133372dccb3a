"""API test fixtures: the world of the dossier tests, tokens, and clients."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    from cchc.dossiers.tests.factories import make_world

    return make_world()


def token_for(user) -> str:
    from cchc.api.services import api_token_create

    return api_token_create(actor=None, user=user, name="Hệ thống thử nghiệm")[1]


def client_for(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")


@pytest.fixture
def officer_client(world) -> Client:
    return client_for(world.officer)
