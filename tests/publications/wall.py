"""A kind of publication that exists only in the tests (a class's "mur" of short texts),
registered at runtime as a feature does in its ``AppConfig.ready()``."""

from __future__ import annotations

from collections.abc import Collection, Iterator

import pytest

from apps.publications import registry, services
from apps.publications.models import Publication
from apps.publications.moderation import Scope
from apps.publications.registry import QueueItem
from tests.world import World

WALL = "tests.wall"


class Wall:
    def __init__(self) -> None:
        self.titles: dict[int, str] = {}
        self.authors: dict[int, int] = {}
        self.refuse_publish: set[int] = set()
        self.decisions: list[tuple[int, str]] = []
        self.withdrawn: list[int] = []

    def describe(self, ids: Collection[int]) -> dict[int, QueueItem]:
        return {pk: QueueItem(title=self.titles[pk], url=f"/mur/{pk}/") for pk in ids}

    def check_publish(self, pk: int) -> str | None:
        return "Une photo montre un élève sans autorisation." if pk in self.refuse_publish else None

    def decided(self, pk: int, state: str) -> None:
        self.decisions.append((pk, state))

    def consent_withdrawn(self, pk: int) -> None:
        self.withdrawn.append(pk)


@pytest.fixture
def wall() -> Iterator[Wall]:
    feature = Wall()
    registry.register(
        registry.PublicationKind(
            name=WALL,
            label="Mur de la classe",
            short="wall",
            visible=lambda actor, ids: set(ids),
            editable=lambda actor, pk: feature.authors.get(pk) == actor.id,
            describe=feature.describe,
            check_publish=feature.check_publish,
            decided=feature.decided,
            consent_withdrawn=feature.consent_withdrawn,
        )
    )
    try:
        yield feature
    finally:
        registry.unregister(WALL)


def written(world: World, wall: Wall, name: str, title: str, scope: Scope) -> Publication:
    publication = services.publication_create(kind=WALL, author_id=world[name].pk, scope=scope)
    wall.titles[publication.pk] = title
    wall.authors[publication.pk] = world[name].pk
    return publication


def a1(world: World) -> Scope:
    return Scope(school_id=world.schools["A"].pk, classroom_id=world.classes["A1"].pk)
