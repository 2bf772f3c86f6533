"""Notes of the cahier de liaison in the Bordeaux test world (tests/world.py)."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.liaison.models import LiaisonNote, Recipients
from apps.liaison.services import liaison_note_create
from tests.world import World


def class_note(world: World, *, author: str = "t1", classroom: str = "A1", **kwargs) -> LiaisonNote:
    with schema_context(world.schema):
        return liaison_note_create(
            author=actor_for(world[author]),
            classroom=world.classes[classroom],
            audience=kwargs.pop("audience", Recipients.CLASS),
            title=kwargs.pop("title", "Sortie au musée"),
            text=kwargs.pop("text", "Sortie jeudi.\nPrévoir un goûter."),
            **kwargs,
        )


@pytest.fixture
def note(bordeaux: World) -> LiaisonNote:
    """A note of t1 to the whole class A1 (pupils p1 and p2), confirmation asked."""
    return class_note(bordeaux)
