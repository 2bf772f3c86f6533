"""The class pages' world (tests/world.py, layout ``CLASS_PAGES``) in Bordeaux, and
logged-in clients for its people.

School A: class A1 (taught by t1, 3 pupils) and class A2 (taught by t2, 2 pupils), directed
by dA; school B with class B1 (taught by t4, 1 pupil). Each pupil has one parent; ``adm``
administers the commune. Everyone has an activation code, as after an import.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from apps.accounts.models import User
from tests.world import CLASS_PAGES, World, build_world, log_in


def build_class_world(
    *,
    a1_pupils: int = 3,
    a2_pupils: int = 2,
    b1_pupils: int = 1,
    a1_levels: list[str] | None = None,
) -> World:
    return build_world(
        "bordeaux",
        layout=CLASS_PAGES,
        pupils={"A1": a1_pupils, "A2": a2_pupils, "B1": b1_pupils},
        levels={"A1": a1_levels} if a1_levels else None,
        activation_codes=True,
    )


@pytest.fixture
def world(db: None) -> World:
    return build_class_world()


@pytest.fixture
def maternelle_world(db: None) -> World:
    return build_class_world(a1_levels=["PS", "MS"])


@pytest.fixture
def login_as(tenant_client: Callable[..., Client]) -> Callable[..., Client]:
    """A client of the commune's subdomain with ``user`` logged in (and, for profiles that
    must use a second factor, verified): ``log_in`` of tests/world.py, by user."""

    def make(user: User, slug: str = "bordeaux") -> Client:
        return log_in(tenant_client, slug, user)

    return make
