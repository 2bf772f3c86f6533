"""The current school year, the one imports file classes under (in the active schema)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from apps.schools.errors import SchoolDataError
from apps.schools.models import SchoolYear

# The rentrée is on 1 September; the year ends in the first days of July.
YEAR_STARTS = (9, 1)
YEAR_ENDS = (7, 4)
# From this month on, imports prepare the coming year (ONDE exports of late August are
# already next year's classes).
NEW_YEAR_FROM_MONTH = 8


def school_year_bounds(today: datetime.date) -> tuple[str, datetime.date, datetime.date]:
    """Label, first and last day of the school year ``today`` belongs to (or prepares)."""
    start_year = today.year if today.month >= NEW_YEAR_FROM_MONTH else today.year - 1
    starts_on = datetime.date(start_year, *YEAR_STARTS)
    ends_on = datetime.date(start_year + 1, *YEAR_ENDS)
    return f"{start_year}-{start_year + 1}", starts_on, ends_on


def current_school_year(*, create: bool) -> SchoolYear | None:
    """The current school year of the commune whose schema is active.

    When none is marked current, the year of today's date is used, made current, and
    created if ``create`` (imports create it on their first run; a dry run only says so).
    """
    year, _ = _current_school_year(create=create)
    return year


def ensure_current_school_year() -> tuple[SchoolYear, bool]:
    """The current school year, made (and created) from today's date if needed; and whether
    this call made it current."""
    year, made = _current_school_year(create=True)
    if year is None:  # create=True always returns a year
        raise SchoolDataError("Année scolaire introuvable.")
    return year, made


def _current_school_year(*, create: bool) -> tuple[SchoolYear | None, bool]:
    year = SchoolYear.objects.filter(is_current=True).first()
    if year is not None:
        return year, False
    label, starts_on, ends_on = school_year_bounds(timezone.localdate())
    year = SchoolYear.objects.filter(label=label).first()
    if not create:
        return None, False
    if year is None:
        year = SchoolYear.objects.create(
            label=label, starts_on=starts_on, ends_on=ends_on, is_current=True
        )
        return year, True
    year.is_current = True
    year.save(update_fields=["is_current"])
    return year, True


def school_year_label_for_today() -> str:
    return school_year_bounds(timezone.localdate())[0]
