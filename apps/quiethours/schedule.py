"""When something sent at a moment is delivered: a pure function over a ``Schedule``.

The ministry's circular (September 2025) asks ENTs to hold updates and notifications from
20:00 to 07:00 on school days and from Friday 20:00 to Monday 07:00. A schedule keeps that
shape with two times a commune or a school may adapt: on each school day (Monday to Friday,
not a day off) things are delivered from ``morning_end`` to ``evening_start``; outside those
slots they wait for the next slot's start.

Days off (school holidays of the zone, public holidays) have no slot: what is sent then
waits for the next school day's ``morning_end``, like a weekend. That is a choice: the
circular speaks of school days, and a family on holiday reads the school's news on the
morning school starts again, all at once, rather than one evening in the middle of the
holidays.

Times are wall-clock times in Europe/Paris. A wall time the clock skips (02:00-03:00 on the
last Sunday of March) is taken one hour later, as the clock shows it; a time it shows twice
(October) is its first occurrence. Slot boundaries are compared as instants, so the function
is monotone: a later moment is never delivered earlier.
"""

from __future__ import annotations

import datetime
from collections.abc import Container
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
UTC = datetime.UTC

# The circular's slots.
EVENING_START = datetime.time(20, 0)
MORNING_END = datetime.time(7, 0)

# A calendar with no school day in a year is a broken calendar, not a year of silence: past
# this many days the moment is delivered as it is.
HORIZON_DAYS = 370


@dataclass(frozen=True)
class Schedule:
    """``morning_end`` < ``evening_start``; ``days_off`` holds the dates without school."""

    evening_start: datetime.time = EVENING_START
    morning_end: datetime.time = MORNING_END
    days_off: Container[datetime.date] = field(default_factory=frozenset)

    def is_school_day(self, day: datetime.date) -> bool:
        return day.weekday() < 5 and day not in self.days_off

    def slot(self, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
        """The delivery slot of ``day`` as two instants (UTC), whether it is a school day
        or not."""
        return _instant(day, self.morning_end), _instant(day, self.evening_start)


def _instant(day: datetime.date, wall: datetime.time) -> datetime.datetime:
    # Through UTC: a skipped wall time becomes the instant the clock shows an hour later.
    return datetime.datetime.combine(day, wall, tzinfo=PARIS).astimezone(UTC)


def is_quiet(moment: datetime.datetime, schedule: Schedule) -> bool:
    return delivery_time(moment, schedule) != moment


def delivery_time(moment: datetime.datetime, schedule: Schedule) -> datetime.datetime:
    """When something sent at ``moment`` (aware) is delivered: ``moment`` itself inside a
    school day's slot, else the start of the next school day's slot (Europe/Paris)."""
    if moment.tzinfo is None:
        raise ValueError("delivery_time needs an aware datetime")
    day = moment.astimezone(PARIS).date()
    if schedule.is_school_day(day):
        opens, closes = schedule.slot(day)
        if opens <= moment < closes:
            return moment
        if moment < opens:
            return opens.astimezone(PARIS)
    for ahead in range(1, HORIZON_DAYS + 1):
        later = day + datetime.timedelta(days=ahead)
        if schedule.is_school_day(later):
            return schedule.slot(later)[0].astimezone(PARIS)
    return moment
