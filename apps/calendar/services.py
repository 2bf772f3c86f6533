"""Storing a calendar file: its school years replace the same years already stored, in one
transaction (the other years stay). The file is checked in full before (``calendar_file``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from apps.calendar.calendar_file import CalendarFile, rows_for
from apps.calendar.models import DayOff, Kind


@dataclass(frozen=True)
class YearImported:
    label: str
    periods: int  # rows of school holidays (one per period and zone)
    public_holidays: int
    replaced: bool  # the year was already stored


def calendar_import(calendar: CalendarFile, *, dry_run: bool = False) -> list[YearImported]:
    rows = rows_for(calendar)
    labels = [year.label for year in calendar.years]
    with transaction.atomic():
        stored = set(
            DayOff.objects.filter(school_year__in=labels).values_list("school_year", flat=True)
        )
        if not dry_run:
            DayOff.objects.filter(school_year__in=labels).delete()
            DayOff.objects.bulk_create(DayOff(**row) for row in rows)
    return [
        YearImported(
            label=label,
            periods=sum(
                1 for r in rows if r["school_year"] == label and r["kind"] == Kind.SCHOOL_HOLIDAYS
            ),
            public_holidays=sum(
                1 for r in rows if r["school_year"] == label and r["kind"] == Kind.PUBLIC_HOLIDAY
            ),
            replaced=label in stored,
        )
        for label in labels
    ]
