"""Two communes of their own (committed: the uvicorn processes read them from another
connection) with the same people and rooms of the same ids, and a suspended third; one uvicorn
process for the module, and another on demand. Their schemas are dropped at the end."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.chat import services
from apps.chat.models import Room, Slot
from provisioning.services import provision_commune
from tenants.db import use_public_schema
from tenants.models import Commune
from tests.livechat import ROOT, Server, session_for, start_server
from tests.world import LAYOUTS, World, build_world

COMMUNES = [("Salons A", "33981", "salona"), ("Salons B", "33982", "salonb")]
SUSPENDED = ("Salons fermés", "33983", "salonz")
PASSWORD = "salons-2026-test"
MIDNIGHT, LAST = datetime.time(0, 0), datetime.time(23, 59, 59, 999999)
LOGS = ROOT / "test-artifacts" / "chat"


@dataclass
class LiveCommunes:
    worlds: dict[str, World]
    sessions: dict[tuple[str, str], str]
    rooms: dict[tuple[str, str], Room]

    def session(self, slug: str, name: str) -> str:
        return self.sessions[(slug, name)]

    def room(self, slug: str, classroom: str = "A1") -> Room:
        return self.rooms[(slug, classroom)]


PEOPLE = ("t1", "t2", "p1", "p2", "p3", "par1", "dA", "adm")


@pytest.fixture(scope="module")
def live(django_db_setup: None, django_db_blocker: Any) -> Iterator[LiveCommunes]:
    with django_db_blocker.unblock():
        made = []
        try:
            for name, insee, slug in COMMUNES:
                made.append(
                    provision_commune(name=name, insee=insee, slug=slug, status="active").commune
                )
            name, insee, slug = SUSPENDED
            made.append(
                provision_commune(name=name, insee=insee, slug=slug, status="suspended").commune
            )
            worlds, sessions, rooms = {}, {}, {}
            for _name, _insee, slug in COMMUNES:
                world = build_world(slug, layout=LAYOUTS["bordeaux"], password=PASSWORD)
                worlds[slug] = world
                with schema_context(slug):
                    for person in ("t1", "t2", "dA"):
                        services.rooms_ensure(actor_for(world[person]))
                    for key, classroom in world.classes.items():
                        found = Room.objects.filter(classroom=classroom).first()
                        if found is not None:
                            rooms[(slug, key)] = found
                    # A1's room is open all day, every day: no test depends on the hour.
                    Slot.objects.bulk_create(
                        Slot(room=rooms[(slug, "A1")], weekday=day, starts=MIDNIGHT, ends=LAST)
                        for day in range(7)
                    )
                for person in PEOPLE:
                    sessions[(slug, person)] = session_for(slug, world[person])
            yield LiveCommunes(worlds=worlds, sessions=sessions, rooms=rooms)
        finally:
            use_public_schema()
            for commune in made:
                with connection.cursor() as cursor:
                    cursor.execute(f'DROP SCHEMA IF EXISTS "{commune.schema_name}" CASCADE')
                Commune.objects.filter(pk=commune.pk).delete()


@pytest.fixture(scope="module")
def server(live: LiveCommunes) -> Iterator[Server]:
    LOGS.mkdir(parents=True, exist_ok=True)
    started = start_server(LOGS)
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
def another_server(live: LiveCommunes) -> Iterator[Callable[..., Server]]:
    """More uvicorn processes (the same Redis), stopped after the test."""
    LOGS.mkdir(parents=True, exist_ok=True)
    started: list[Server] = []

    def start(**options: Any) -> Server:
        started.append(start_server(LOGS, **options))
        return started[-1]

    try:
        yield start
    finally:
        for one in started:
            one.stop()


def logs_path() -> Path:
    return LOGS
