"""The one moderation circuit of the features that moderate (blogs, news, forums, comments):
pure rules over the ``Actor`` and a publication's scope, no database access here.

* The scope of a publication says who moderates it: a class → the class's teachers; else a
  school → the school's direction; else the commune → its administrator.
* A moderator publishes their own writing at once; anyone else's writing is submitted, and
  waits. Submitted, it is seen by its author and its moderators only, until a moderator
  publishes it, asks for a correction (back to the author's draft, with a note) or refuses it.
* Published, a moderator may take it down (unpublished, with a note), and publish it again.
* The author may withdraw what they submitted (back to draft) and edit a draft, a correction
  asked or a refusal, then submit it again.
"""

from __future__ import annotations

from dataclasses import dataclass

from apps.accounts.permissions import Actor
from apps.publications.models import State

# What a moderator may decide, and what it does to the state.
PUBLISH = "publish"
CORRECT = "correct"
REFUSE = "refuse"
UNPUBLISH = "unpublish"

DECISIONS: dict[str, tuple[frozenset[str], str]] = {
    PUBLISH: (frozenset({State.SUBMITTED, State.UNPUBLISHED, State.DRAFT}), State.PUBLISHED),
    CORRECT: (frozenset({State.SUBMITTED}), State.DRAFT),
    REFUSE: (frozenset({State.SUBMITTED}), State.REFUSED),
    UNPUBLISH: (frozenset({State.PUBLISHED}), State.UNPUBLISHED),
}

# The author's own moves.
SUBMITTABLE = frozenset({State.DRAFT, State.REFUSED})
WITHDRAWABLE = frozenset({State.SUBMITTED})

NOT_YOURS = "Vous ne pouvez pas décider de cette publication."
NOT_NOW = "Cette publication n'en est plus là : la page a été mise à jour."
NOTE_NEEDED = "Dites à l'auteur ce qu'il faut corriger ou pourquoi c'est refusé."


@dataclass(frozen=True)
class Scope:
    """Where a publication belongs: a class of a school, a school, or the commune (both
    None)."""

    school_id: int | None = None
    classroom_id: int | None = None


def may_moderate(actor: Actor, scope: Scope) -> bool:
    if not actor.active:
        return False
    if scope.classroom_id is not None:
        return scope.classroom_id in actor.taught_class_ids
    if scope.school_id is not None:
        return scope.school_id in actor.directed_school_ids
    return actor.is_commune_admin


def sees_in_circuit(actor: Actor, scope: Scope, author_id: int | None) -> bool:
    """Who sees a publication that is not published: its author and its moderators."""
    return (author_id is not None and actor.id == author_id) or may_moderate(actor, scope)


def decision_allowed(decision: str, state: str) -> bool:
    allowed = DECISIONS.get(decision)
    return allowed is not None and state in allowed[0]
