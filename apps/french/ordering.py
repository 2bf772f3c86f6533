"""French order for lists shown to people: names as a French directory sorts them, classes
from the youngest level up.

The database was created with the C collation, where "Émile" comes after "Zoé" and
"de La Tour" after every capitalised name. Lists read from the database are therefore
ordered with the ICU French collation (``name_order``), so pagination and ``LIMIT`` still
happen in PostgreSQL; lists already in memory use ``name_key``, which orders the same
names the same way (tests/french/test_ordering.py checks the two agree).
"""

from __future__ import annotations

import unicodedata
from typing import Protocol

from django.db.models import Case, Expression, Value, When
from django.db.models.functions import Collate

from apps.schools.models import Level

# ICU's French collation, shipped with PostgreSQL built with ICU (the Debian packages are).
FRENCH_COLLATION = "fr-FR-x-icu"


# Ligatures have no Unicode decomposition; French (and ICU) sort them as their two letters.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})


def name_key(text: str) -> tuple[str, str]:
    """ "Émile" sorts with "Emile", "Œuvray" with "Oe", "de La Tour" among the D: case,
    accents and ligatures are ignored, then the raw text breaks the tie so the order is
    total and stable."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    base = "".join(char for char in decomposed if not unicodedata.combining(char))
    return base, text


class _Named(Protocol):
    last_name: str
    first_name: str
    username: str


def person_key(person: _Named) -> tuple[tuple[str, str], tuple[str, str], str]:
    """A person by last name, then first name, then login (unique, for a total order)."""
    return name_key(person.last_name), name_key(person.first_name), person.username


def name_order(*fields: str) -> list[Collate]:
    """``order_by(*name_order("last_name", "first_name"))``: the same order as ``name_key``,
    computed by PostgreSQL."""
    return [Collate(field, FRENCH_COLLATION) for field in fields]


# --- school levels -----------------------------------------------------------------------------

# The order of the Level choices is the rule: TPS, PS, MS, GS, CP, CE1, CE2, CM1, CM2.
LEVELS: tuple[str, ...] = tuple(Level.values)


def level_rank(level: str) -> int:
    """TPS → 0 … CM2 → 8; an unknown level after every known one."""
    return LEVELS.index(level) if level in LEVELS else len(LEVELS)


def levels_rank(levels: list[str] | tuple[str, ...]) -> int:
    """A class (possibly multi-level, "CE2-CM1") ranks by its youngest level."""
    return min((level_rank(level) for level in levels), default=len(LEVELS))


def level_rank_expression(field: str = "levels") -> Expression:
    """``levels_rank`` in SQL, for ``order_by``: the first stored level of the class.

    Levels are stored youngest first (the imports and the forms write them in
    ``Level`` order), so the first one is the youngest."""
    return Case(
        *(When(**{f"{field}__0": level}, then=Value(rank)) for rank, level in enumerate(LEVELS)),
        default=Value(len(LEVELS)),
    )


class _Classroom(Protocol):
    levels: list[str]
    name: str


def classroom_key(classroom: _Classroom) -> tuple[int, tuple[str, str]]:
    """Classes from the youngest level up, then by name ("CP A" before "CP B" before "CE1")."""
    return levels_rank(classroom.levels), name_key(classroom.name)


def classroom_order(prefix: str = "") -> tuple[Expression | Collate, ...]:
    """``order_by(*classroom_order())``: by school, then as ``classroom_key``; ``prefix``
    ("classroom__") orders rows that point to a class."""
    return (
        *name_order(f"{prefix}school__name"),
        level_rank_expression(f"{prefix}levels"),
        *name_order(f"{prefix}name"),
    )
