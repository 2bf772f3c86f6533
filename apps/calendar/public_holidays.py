"""The French public holidays (jours fériés) of metropolitan France, computed: eight on fixed
days, three from Easter (Easter Monday, Ascension, Whit Monday).

Alsace-Moselle's two more days (Good Friday, 26 December) are not there: no commune of the
groupement is there.
"""

from __future__ import annotations

import datetime


def easter(year: int) -> datetime.date:
    """Easter Sunday of ``year`` (Gregorian calendar; the anonymous algorithm, also known as
    Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def public_holidays(year: int) -> list[tuple[datetime.date, str]]:
    """The public holidays of the calendar year ``year``, in date order, with their names."""
    sunday = easter(year)
    days = [
        (datetime.date(year, 1, 1), "Jour de l'an"),
        (sunday + datetime.timedelta(days=1), "Lundi de Pâques"),
        (datetime.date(year, 5, 1), "Fête du Travail"),
        (datetime.date(year, 5, 8), "8 Mai 1945"),
        (sunday + datetime.timedelta(days=39), "Ascension"),
        (sunday + datetime.timedelta(days=50), "Lundi de Pentecôte"),
        (datetime.date(year, 7, 14), "Fête nationale"),
        (datetime.date(year, 8, 15), "Assomption"),
        (datetime.date(year, 11, 1), "Toussaint"),
        (datetime.date(year, 11, 11), "11 Novembre"),
        (datetime.date(year, 12, 25), "Noël"),
    ]
    return sorted(days)


def public_holidays_between(
    start: datetime.date, end: datetime.date
) -> list[tuple[datetime.date, str]]:
    """The public holidays from ``start`` to ``end`` (both included)."""
    return [
        (day, name)
        for year in range(start.year, end.year + 1)
        for day, name in public_holidays(year)
        if start <= day <= end
    ]
