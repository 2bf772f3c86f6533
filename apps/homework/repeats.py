"""The days of a repeated entry's sessions, holidays left out.

A series has a session every week (or two) from its first day to ``repeat_until``, except on
the days without school of the groupement's zone (school holidays, public holidays: see
``apps.calendar``): no session is computed there, so pupils and families see nothing and
nobody can change or cancel it. The first day is always a session: the teacher chose it.
This module is the one place that rule is written; the selectors, the services and the
pages ask it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from apps.calendar.selectors import DaysOff
from apps.homework.models import REPEAT_DAYS, HomeworkEntry, Repeat


def skips(on: datetime.date, day: datetime.date, days_off: DaysOff) -> bool:
    """Whether the series starting on ``on`` has no session on ``day`` (one of its days)."""
    return day != on and days_off.is_off(day)


def grid(
    on: datetime.date, repeat: str, repeat_until: datetime.date | None
) -> Iterator[datetime.date]:
    """Every day of the series' rhythm, holidays included."""
    yield on
    if not repeat or repeat_until is None:
        return
    step = datetime.timedelta(days=REPEAT_DAYS[Repeat(repeat)])
    day = on + step
    while day <= repeat_until:
        yield day
        day += step


def is_session_day(entry: HomeworkEntry, day: datetime.date, days_off: DaysOff) -> bool:
    return entry.has_occurrence_on(day) and not skips(entry.on, day, days_off)


@dataclass(frozen=True)
class Skipped:
    """The days a series has no session, for one reason (« Vacances de Noël »)."""

    reason: str
    days: tuple[datetime.date, ...]


def skipped(
    on: datetime.date, repeat: str, repeat_until: datetime.date | None, days_off: DaysOff
) -> list[Skipped]:
    """The series' days left out, grouped by reason in date order."""
    by_reason: dict[str, list[datetime.date]] = {}
    for day in grid(on, repeat, repeat_until):
        if skips(on, day, days_off):
            by_reason.setdefault(days_off.reason(day), []).append(day)
    return [Skipped(reason=reason, days=tuple(days)) for reason, days in by_reason.items()]
