"""ONDE's level labels ("Niveau") → ``apps.schools.models.Level``.

ONDE writes levels as codes (``CE1``) or in full (``COURS ELEMENTAIRE PREMIERE ANNEE``),
depending on the export; both, and the usual variants, are understood.
"""

from __future__ import annotations

from apps.schools.models import Level
from apps.schools.onde.csvfile import header_key

_SPELLINGS: dict[Level, tuple[str, ...]] = {
    Level.TPS: (
        "TPS",
        "Toute petite section",
        "Toute petite section de maternelle",
        "Très petite section",
    ),
    Level.PS: ("PS", "Petite section", "Petite section de maternelle"),
    Level.MS: ("MS", "Moyenne section", "Moyenne section de maternelle"),
    Level.GS: ("GS", "Grande section", "Grande section de maternelle"),
    Level.CP: ("CP", "Cours préparatoire"),
    Level.CE1: (
        "CE1",
        "Cours élémentaire première année",
        "Cours élémentaire 1re année",
        "Cours élémentaire 1ère année",
        "Cours élémentaire 1",
    ),
    Level.CE2: (
        "CE2",
        "Cours élémentaire deuxième année",
        "Cours élémentaire 2e année",
        "Cours élémentaire 2ème année",
        "Cours élémentaire 2",
    ),
    Level.CM1: (
        "CM1",
        "Cours moyen première année",
        "Cours moyen 1re année",
        "Cours moyen 1ère année",
        "Cours moyen 1",
    ),
    Level.CM2: (
        "CM2",
        "Cours moyen deuxième année",
        "Cours moyen 2e année",
        "Cours moyen 2ème année",
        "Cours moyen 2",
    ),
}

_BY_KEY: dict[str, Level] = {
    header_key(spelling): level for level, spellings in _SPELLINGS.items() for spelling in spellings
}
ORDER = {level: index for index, level in enumerate(Level)}


def parse_level(raw: str) -> Level | None:
    """The level ``raw`` names; None when empty; ValueError when not a level."""
    if not raw.strip():
        return None
    level = _BY_KEY.get(header_key(raw))
    if level is None:
        raise ValueError(raw)
    return level


def sorted_levels(levels: set[str]) -> list[str]:
    return sorted(levels, key=lambda value: ORDER[Level(value)])


def levels_in_name(name: str) -> list[str]:
    """Levels a class name spells out (``CE1-CE2 B`` → CE1, CE2), for classes made by name."""
    found: set[str] = set()
    for token in name.replace("/", " ").replace("-", " ").split():
        try:
            level = parse_level(token)
        except ValueError:
            continue
        if level is not None:
            found.add(level)
    return sorted_levels(found)
