"""Dates, weeks and months read from what a visitor sends: URL parts, query strings, form
fields and API payloads. Every view, form and serializer that reads a date goes through here.

Python's calendar stops at 31 December 9999 and starts on 1 January of year 1: a week page of
``?semaine=9999-12-31`` ends on a day that does not exist, a month page of ``9999-12`` asks
for the day after its last, and an entry stored on year 1 with work due in 9999 makes every
week of its class reach out of the calendar. The ENT's dates are school days and billing
months of recent years, so anything outside :data:`EARLIEST`–:data:`LATEST` is a typo or a
probe, refused before any arithmetic:

* a date in the URL's path names a page: out of bounds or malformed, the page does not exist
  (404, like a missing class);
* a date in the query string or a form is a request about an existing page: refused with a
  French message (400 for a query string, the field's error in a form or an API payload).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.http import Http404
from rest_framework import serializers

from apps.french.formatting import date_courte

# Wide enough for any school year, billing month or archive the ENT will hold; narrow enough
# that a week, a month or a year of margin around either end is still a real date.
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)

OUT_OF_BOUNDS = (
    f"Date hors des limites : l'ENT accepte les dates du {date_courte(EARLIEST)} "
    f"au {date_courte(LATEST)}."
)

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")


class InvalidQueryParameter(BadRequest):
    """A query-string parameter the page cannot use. The message is French and shown as is
    (``config.bad_input.BadInputMiddleware`` turns it into a 400 page)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def in_bounds(day: datetime.date) -> bool:
    return EARLIEST <= day <= LATEST


def validate_in_bounds(day: datetime.date) -> None:
    """Validator for form fields and serializers that take a date."""
    if not in_bounds(day):
        raise ValidationError(OUT_OF_BOUNDS, code="date_out_of_bounds")


def _iso_date(text: str) -> datetime.date | None:
    # fromisoformat also takes "20261005" and week dates ("2026-W41-1"): only YYYY-MM-DD here,
    # the form the ENT's own links use.
    if _ISO_DATE.fullmatch(text) is None:
        return None
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        return None
    return day if in_bounds(day) else None


def path_date(text: str) -> datetime.date:
    """A ``YYYY-MM-DD`` part of a URL's path; 404 when malformed or out of bounds."""
    day = _iso_date(text)
    if day is None:
        raise Http404("Date invalide.")
    return day


def query_date(text: str | None, *, default: datetime.date, name: str) -> datetime.date:
    """The ``YYYY-MM-DD`` query parameter ``name`` (``default`` when absent or empty);
    :class:`InvalidQueryParameter` when malformed or out of bounds."""
    if not text:
        return default
    day = _iso_date(text)
    if day is None:
        raise InvalidQueryParameter(
            f"Paramètre « {name} » invalide : une date AAAA-MM-JJ entre le "
            f"{date_courte(EARLIEST)} et le {date_courte(LATEST)} est attendue."
        )
    return day


def parse_month(text: str) -> datetime.date:
    """``"2026-10"`` → 1 October 2026; ``ValueError`` with a French message when malformed or
    out of bounds."""
    match = _MONTH.fullmatch(text.strip())
    if match is not None:
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12 and EARLIEST.year <= year <= LATEST.year:
            return datetime.date(year, month, 1)
    raise ValueError(
        f"Mois invalide : {text[:20]!r} (attendu AAAA-MM, par ex. 2026-10, entre "
        f"{EARLIEST.year} et {LATEST.year})."
    )


class DateField(forms.DateField):
    """A form's date, refused with a French message outside the bounds."""

    default_validators = [validate_in_bounds]


class DateSerializerField(serializers.DateField):
    """An API payload's or query's date, refused with a French message outside the bounds."""

    def __init__(self, **kwargs: Any) -> None:
        validators = [*(kwargs.pop("validators", None) or ()), validate_in_bounds]
        super().__init__(validators=validators, **kwargs)
