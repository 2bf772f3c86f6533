"""French dates, ordinals and amounts, independent of the browser's language.

Written by hand rather than through Django's locale machinery so a PDF, a CSV
or a Celery task prints the same text as a page, whatever language is active.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

NNBSP = "\u202f"  # narrow no-break space: French thousands separator
NBSP = "\u00a0"  # no-break space: before the euro sign

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def ordinal(n: int) -> str:
    """1 -> "1er", 2 -> "2e" (French typography)."""
    return f"{n}er" if n == 1 else f"{n}e"


def jour_mois(d: dt.date) -> str:
    """ "1er décembre"."""
    return f"{ordinal(d.day) if d.day == 1 else d.day} {MONTHS[d.month - 1]}"


def date_courte(d: dt.date) -> str:
    """ "1er décembre 2026"."""
    return f"{jour_mois(d)} {d.year}"


def date_longue(d: dt.date) -> str:
    """ "lundi 1er décembre 2026"."""
    return f"{WEEKDAYS[d.weekday()]} {date_courte(d)}"


def jour_semaine(d: dt.date) -> str:
    """ "lundi 1er décembre": a day of the current week, where the year goes without saying."""
    return f"{WEEKDAYS[d.weekday()]} {jour_mois(d)}"


def month(d: dt.date) -> str:
    """ "décembre 2026"."""
    return f"{MONTHS[d.month - 1]} {d.year}"


def datetime_fr(moment: dt.datetime) -> str:
    """ "1er décembre 2026 à 14 h 05"."""
    return f"{date_courte(moment)} à {moment.hour} h {moment.minute:02d}"


def datetime_seconds_fr(moment: dt.datetime) -> str:
    """ "1er décembre 2026 à 14 h 05 min 09 s": a journal that must tell two events apart."""
    return f"{datetime_fr(moment)} min {moment.second:02d} s"


def number(value: Decimal | int | float | str, places: int = 2) -> str:
    """Decimal("1234.5") -> "1 234,50": a quantity or a rate, grouped like euros()."""
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    units, _, decimals = f"{abs(rounded):.{places}f}".partition(".")
    groups: list[str] = []
    while len(units) > 3:
        groups.insert(0, units[-3:])
        units = units[:-3]
    groups.insert(0, units)
    return f"{sign}{NNBSP.join(groups)}{',' + decimals if decimals else ''}"


def euros(amount: Decimal | int | float | str) -> str:
    """Decimal("-4500") -> "-4 500,00 €" with U+202F thousands, U+00A0 before €."""
    return f"{number(amount, 2)}{NBSP}€"


_ELIDED = frozenset("aeiouyàâäéèêëîïôöùûüœæ")


def de(name: str) -> str:
    """« de » before a name, as French writes it: « d'Eysines », « d'Élise Martin », « du
    Bouscat » (Le Bouscat), « des Andelys » (Les Andelys), « de Bordeaux ». An h is never
    elided here: aspirated or not, names do not say (« de Hugues », « de Hélène » both read)."""
    name = str(name).strip()
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if name[:1].lower() in _ELIDED:
        return "d'" + name
    return "de " + name


def waited(delta: dt.timedelta) -> str:
    """How long something has waited, as a moderator reads it: « moins d'une minute »,
    « 12 minutes », « 3 h 05 », « 2 jours »."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "moins d'une minute"
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes > 1 else ''}"
    if minutes < 24 * 60:
        return f"{minutes // 60} h {minutes % 60:02d}"
    days = minutes // (24 * 60)
    return f"{days} jour{'s' if days > 1 else ''}"
