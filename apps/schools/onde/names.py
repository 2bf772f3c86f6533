"""Names: comparison keys and readable logins.

ONDE writes the same name in several ways from one export to the next (capitals, accents
dropped or not, hyphens or spaces), so names are compared through ``match_key``. Logins are
``prenom.nom`` folded to ASCII, with a number appended on collision; they never change once
given, so a re-import that corrects a name keeps the login printed on the pupil's card.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.db.models import CharField, F, Func, Value

from apps.accounts.models import User

USERNAME_BASE_MAX = 60

# Letters NFKD does not decompose, written as an export without diacritics writes them.
# Keys are lower case: ``fold`` applies the table after ``casefold`` and NFKD.
_TRANSLITERATION = str.maketrans(
    {
        "œ": "oe",
        "æ": "ae",
        "ß": "ss",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "ħ": "h",
        "ŧ": "t",
        "ŋ": "n",
        "ĸ": "k",
    }
)
_NOT_LOGIN = re.compile(r"[^a-z]+")
_SPACES = re.compile(r"\s+")


def fold(value: str) -> str:
    """Case, diacritics and ligatures folded, every script kept (``Hélène Œuvray`` →
    ``helene oeuvray``, ``Łucja`` → ``lucja``)."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.translate(_TRANSLITERATION)


def ascii_fold(value: str) -> str:
    """``fold`` down to ASCII, for logins and column headers (other scripts drop out)."""
    return fold(value).encode("ascii", "ignore").decode("ascii")


def match_key(value: str) -> str:
    """What two spellings of one name have in common: its letters and digits, folded.

    The one comparison of names of the import (pupils, guardians, children, classes,
    teachers): apostrophes, hyphens and spaces of any kind drop out, so ``D’ARVÉLLE-ŒUVRAY``
    and ``darvelle oeuvray`` are one name.
    """
    return "".join(ch for ch in fold(value) if ch.isalnum())


def clean_text(value: str) -> str:
    """A name as it will be stored: single spaces, no surrounding blanks."""
    return _SPACES.sub(" ", value).strip()


def login_part(value: str) -> str:
    return _NOT_LOGIN.sub("-", ascii_fold(value)).strip("-")


def username_base(first_name: str, last_name: str, *, fallback: str) -> str:
    """``prenom.nom`` in ASCII; letters and hyphens only, so a numeric suffix is unambiguous."""
    parts = [p for p in (login_part(first_name), login_part(last_name)) if p]
    base = ".".join(parts)[:USERNAME_BASE_MAX].strip(".-")
    return base or fallback


def usernames_taken(bases: Iterable[str]) -> set[str]:
    """Logins already given in this commune that an allocation from ``bases`` could clash with.

    One query however many bases: a login is ``base`` or ``base`` + digits.
    """
    wanted = sorted(set(bases))
    if not wanted:
        return set()
    stripped = Func(
        F("username"),
        Value("[0-9]+$"),
        Value(""),
        function="regexp_replace",
        output_field=CharField(),
    )
    return set(
        User.objects.annotate(login_base=stripped)
        .filter(login_base__in=wanted)
        .values_list("username", flat=True)
    )


class UsernameAllocator:
    """Hands out free logins: ``lea.martin``, then ``lea.martin2``, ``lea.martin3``…"""

    def __init__(self, taken: Iterable[str]) -> None:
        self._taken = set(taken)
        self._next: dict[str, int] = {}

    def allocate(self, base: str) -> str:
        if base not in self._taken:
            self._taken.add(base)
            return base
        suffix = self._next.get(base, 2)
        while f"{base}{suffix}" in self._taken:
            suffix += 1
        username = f"{base}{suffix}"
        self._taken.add(username)
        self._next[base] = suffix + 1
        return username
