"""Public holidays: fixed days, and the three that follow Easter."""

from __future__ import annotations

import datetime

import pytest
from django_tenants.utils import schema_context

from apps.calendar.models import DayOff, Kind
from apps.calendar.public_holidays import easter, public_holidays
from apps.calendar.selectors import days_off

D = datetime.date


@pytest.mark.parametrize(
    ("year", "sunday"),
    [(2024, D(2024, 3, 31)), (2025, D(2025, 4, 20)), (2026, D(2026, 4, 5)), (2027, D(2027, 3, 28))],
)
def test_easter_sunday(year, sunday):
    assert easter(year) == sunday


@pytest.mark.parametrize(
    ("year", "monday", "ascension", "whit_monday"),
    [
        (2026, D(2026, 4, 6), D(2026, 5, 14), D(2026, 5, 25)),
        (2027, D(2027, 3, 29), D(2027, 5, 6), D(2027, 5, 17)),
    ],
)
def test_the_holidays_that_follow_easter(year, monday, ascension, whit_monday):
    days = dict(public_holidays(year))

    assert days[monday] == "Lundi de Pâques"
    assert days[ascension] == "Ascension"
    assert days[whit_monday] == "Lundi de Pentecôte"
    assert ascension.weekday() == 3 and monday.weekday() == whit_monday.weekday() == 0


def test_eleven_public_holidays_a_year_in_date_order():
    days = public_holidays(2026)

    assert len(days) == 11 and [d for d, _ in days] == sorted(d for d, _ in days)
    assert (D(2026, 11, 11), "11 Novembre") in days and (D(2026, 7, 14), "Fête nationale") in days


def test_the_import_stores_the_public_holidays_of_each_school_year(calendar):
    with schema_context("public"):
        stored = set(
            DayOff.objects.filter(kind=Kind.PUBLIC_HOLIDAY).values_list("first_day", "zone")
        )
    # 2026-2027 runs from 1 September 2026 to 31 August 2027.
    for day in (D(2026, 11, 11), D(2027, 3, 29), D(2027, 5, 6), D(2027, 5, 17), D(2027, 8, 15)):
        assert (day, "") in stored
    calendar_days = days_off()
    assert calendar_days.reason(D(2027, 3, 29)) == "Jour férié : Lundi de Pâques"
    # Easter Monday 2026 falls in zone A's spring holidays: both are said, holidays first.
    assert calendar_days.reason(D(2026, 4, 6)) == (
        "Vacances de printemps — Jour férié : Lundi de Pâques"
    )
    assert calendar_days.reason(D(2026, 11, 12)) == ""
