"""Entries of the cahier de textes in the Bordeaux test world (tests/world.py)."""

from __future__ import annotations

import datetime

import pytest
from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.calendar.models import DayOff
from apps.homework.models import HomeworkEntry
from apps.homework.services import homework_entry_create
from tests.world import World

MONDAY = datetime.date(2026, 10, 5)  # a school week: Monday 5 to Sunday 11 October 2026


@pytest.fixture(autouse=True)
def school_every_day(db) -> None:
    """These tests are about the cahier de textes itself: they run on a calendar with no
    holidays nor public holidays (rolled back with the test). How repetitions skip the days
    without school is tested in tests/calendar."""
    DayOff.objects.all().delete()


def entry(world: World, *, author: str = "t1", classroom: str = "A1", **kwargs) -> HomeworkEntry:
    with schema_context(world.schema):
        return homework_entry_create(
            author=actor_for(world[author]),
            classroom=world.classes[classroom],
            domain=kwargs.pop("domain", "mathematiques"),
            on=kwargs.pop("on", MONDAY),
            done=kwargs.pop("done", "Les nombres jusqu'à 100."),
            due_on=kwargs.pop("due_on", MONDAY + datetime.timedelta(days=1)),
            todo=kwargs.pop("todo", "Apprendre la table de 2."),
            **kwargs,
        )


@pytest.fixture
def math(bordeaux: World) -> HomeworkEntry:
    """Published by t1 for class A1: done Monday 5 October, table of 2 due Tuesday 6."""
    return entry(bordeaux)
