"""Who may see what is addressed to an audience: pure functions on ``Actor`` (no query), next
to the communication rules of ``apps.accounts.permissions``, in their style.

* the audience's own people: the pupils of the class, the chosen pupils, the pupils of the
  school, the person, the chosen staff — and the guardians of those pupils;
* the staff who answer for it: the class's teachers and the school's direction; every staff
  member of the school for what is addressed to the whole school;
* no one else (a commune administrator included: what a school says to its families is not
  the commune's to read).
"""

from __future__ import annotations

from apps.accounts.permissions import Actor
from apps.audiences.audience import Audience, Scope


def _answers_for(actor: Actor, audience: Audience) -> bool:
    """A member of staff who answers for what is addressed to the audience."""
    if not actor.is_school_staff:
        return False
    if audience.school_id is not None and audience.school_id in actor.directed_school_ids:
        return True
    if audience.scope in (Scope.CLASS, Scope.PUPILS):
        return audience.classroom_id in actor.taught_class_ids
    if audience.scope == Scope.SCHOOL:
        return audience.school_id in actor.school_ids
    return False


def _is_in(actor: Actor, audience: Audience) -> bool:
    if audience.scope == Scope.PERSON:
        return actor.id in audience.user_ids
    if audience.scope == Scope.STAFF:
        return actor.is_school_staff and actor.id in audience.user_ids
    if actor.is_pupil:
        if audience.scope == Scope.SCHOOL:
            return audience.school_id in actor.school_ids
        if audience.scope == Scope.CLASS:
            return audience.classroom_id in actor.class_ids
        return audience.classroom_id in actor.class_ids and actor.id in audience.user_ids
    if actor.is_parent:
        if audience.scope == Scope.SCHOOL:
            return audience.school_id in actor.school_ids
        if audience.scope == Scope.CLASS:
            return audience.classroom_id in actor.class_ids
        return audience.classroom_id in actor.class_ids and bool(
            actor.child_ids & audience.user_ids
        )
    return False


def may_see(actor: Actor, audience: Audience) -> bool:
    """May ``actor`` see what is addressed to ``audience``?"""
    if not actor.active:
        return False
    return _is_in(actor, audience) or _answers_for(actor, audience)
