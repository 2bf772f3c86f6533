"""A school's name inside a French sentence. Names are written « École des Tilleuls »,
« École A » or « Jean Jaurès » (the ONDE import keeps them as typed): « le site de l'école
des Tilleuls » must neither repeat « école » nor miss it, and a groupe scolaire stays one."""

from __future__ import annotations

_KINDS = (("école ", "l'école "), ("groupe scolaire ", "le groupe scolaire "))


def the_school(name: str) -> str:
    """« École des Tilleuls » → « l'école des Tilleuls »; « Jean Jaurès » → « l'école Jean
    Jaurès »; « Groupe scolaire Pasteur » → « le groupe scolaire Pasteur »."""
    name = " ".join(str(name).split())
    lowered = name.lower()
    for prefix, article in _KINDS:
        if lowered.startswith(prefix):
            return article + name[len(prefix) :]
    return "l'école " + name


def of_school(name: str) -> str:
    """« de l'école des Tilleuls », « du groupe scolaire Pasteur »."""
    the = the_school(name)
    return "du " + the[3:] if the.startswith("le ") else "de " + the
