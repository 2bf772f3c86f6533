"""The shipped calendar (apps/calendar/data/vacances.yaml), imported afresh for each test and
rolled back with it; the groupement is in zone A unless a test says otherwise."""

from __future__ import annotations

import datetime

import pytest
from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.calendar.calendar_file import SHIPPED, read_calendar
from apps.calendar.models import DayOff
from apps.calendar.services import calendar_import
from apps.homework.models import HomeworkEntry
from apps.homework.services import homework_entry_create
from tests.world import World

# Zone A, 2026-2027: the Toussaint holidays run from Saturday 17 October to Sunday 1 November.
MONDAY = datetime.date(2026, 10, 5)
TOUSSAINT_MONDAYS = [datetime.date(2026, 10, 19), datetime.date(2026, 10, 26)]


@pytest.fixture
def calendar(db: None, settings) -> None:
    settings.ENT_SCHOOL_ZONE = "A"
    with schema_context("public"):
        DayOff.objects.all().delete()
        calendar_import(read_calendar(SHIPPED))


def weekly(world: World, *, on: datetime.date = MONDAY, **kwargs) -> HomeworkEntry:
    with schema_context(world.schema):
        return homework_entry_create(
            author=actor_for(world["t1"]),
            classroom=world.classes["A1"],
            domain=kwargs.pop("domain", "musique"),
            on=on,
            done=kwargs.pop("done", "Chorale."),
            due_on=kwargs.pop("due_on", None),
            todo=kwargs.pop("todo", ""),
            repeat=kwargs.pop("repeat", "weekly"),
            repeat_until=kwargs.pop("repeat_until", datetime.date(2026, 11, 30)),
        )
