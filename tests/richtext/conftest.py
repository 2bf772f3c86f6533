"""Rich text in the Bordeaux test world (tests/world.py): one school day, no holidays."""

from __future__ import annotations

import datetime

import pytest

from apps.calendar.models import DayOff

# A Monday of the school year; a field's ``show`` may also write the week before.
SCHOOL_DAY = datetime.date(2026, 10, 12)


@pytest.fixture
def no_days_off(db) -> None:
    """The fields' pages are tested on a calendar with no holidays (rolled back with the
    test): a repeated entry then has a session every week."""
    DayOff.objects.all().delete()
