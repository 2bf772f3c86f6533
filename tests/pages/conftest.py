from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.api.world import World, build_bordeaux, build_pessac, log_in


@pytest.fixture
def bordeaux(db: None) -> World:
    return build_bordeaux()


@pytest.fixture
def pessac(db: None) -> World:
    return build_pessac()


@pytest.fixture
def as_user(tenant_client: Callable[..., Client]) -> Callable[[World, str], Client]:
    """``as_user(bordeaux, "par1")``: a client of that commune logged in as that person."""

    def make(world: World, name: str) -> Client:
        return log_in(tenant_client, world.schema, world[name])

    return make
