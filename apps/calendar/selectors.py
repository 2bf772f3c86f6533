"""Which days have no school, for the groupement's zone (``ENT_SCHOOL_ZONE``).

``days_off()`` costs one query, made the first time it is asked about a day (so a page that
never asks pays nothing), for all the stored rows of the zone and the public holidays: a few
dozen a school year.
"""

from __future__ import annotations

import datetime
from functools import cached_property

from django.conf import settings
from django.db.models import Q

from apps.calendar.models import DayOff, Kind


class DaysOff:
    """The days off of one zone, read once."""

    def __init__(self, zone: str) -> None:
        self.zone = zone

    @cached_property
    def _labels(self) -> dict[datetime.date, list[str]]:
        # The holidays ("vacances") before the public holidays ("ferie"): see ``reason``.
        rows = DayOff.objects.filter(Q(zone=self.zone) | Q(kind=Kind.PUBLIC_HOLIDAY)).order_by(
            "-kind", "first_day"
        )
        labels: dict[datetime.date, list[str]] = {}
        for row in rows:
            day = row.first_day
            while day <= row.last_day:
                labels.setdefault(day, []).append(row.label)
                day += datetime.timedelta(days=1)
        return labels

    def is_off(self, day: datetime.date) -> bool:
        return day in self._labels

    def reasons(self, day: datetime.date) -> tuple[str, ...]:
        """« Vacances de Noël », « Jour férié : 11 Novembre », both when a public holiday falls
        in the holidays (holidays first); none on a school day."""
        return tuple(self._labels.get(day, ()))

    def reason(self, day: datetime.date) -> str:
        return " — ".join(self.reasons(day))


def days_off(zone: str | None = None) -> DaysOff:
    return DaysOff(zone or settings.ENT_SCHOOL_ZONE)
