"""Which slots apply where: a school's override, else the commune's slots, else the
circular's; with the zone's days off (``apps.calendar``). One query for the slots, and one
for the days off the first time a day is asked about."""

from __future__ import annotations

import datetime

from apps.calendar.selectors import DaysOff, days_off
from apps.quiethours.models import QuietHours
from apps.quiethours.schedule import EVENING_START, MORNING_END, Schedule


class _DaysOffSet:
    """``DaysOff`` as the ``Container`` a ``Schedule`` asks (``day in days_off``)."""

    def __init__(self, calendar: DaysOff) -> None:
        self.calendar = calendar

    def __contains__(self, day: object) -> bool:
        return isinstance(day, datetime.date) and self.calendar.is_off(day)


def commune_hours() -> QuietHours:
    """The commune's row, or an unsaved one with the circular's slots."""
    return QuietHours.objects.filter(school__isnull=True).first() or QuietHours(
        morning_end=MORNING_END, evening_start=EVENING_START
    )


def school_override(school_id: int) -> QuietHours | None:
    return QuietHours.objects.filter(school_id=school_id).first()


def schedule_for(school_id: int | None) -> Schedule:
    """The schedule of ``school_id`` (its override, or the commune's); ``None`` or an unknown
    school: the commune's. One query for the rows."""
    rows = QuietHours.objects.filter(school__isnull=True)
    if school_id is not None:
        rows = QuietHours.objects.filter(school_id=school_id) | rows
    # The school's row first when there are both.
    chosen = sorted(rows, key=lambda row: row.school_id is None)
    morning_end, evening_start = MORNING_END, EVENING_START
    if chosen:
        morning_end, evening_start = chosen[0].morning_end, chosen[0].evening_start
    return Schedule(
        morning_end=morning_end, evening_start=evening_start, days_off=_DaysOffSet(days_off())
    )
