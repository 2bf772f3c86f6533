"""Who reads and writes a forum: pure rules over the ``Actor`` and the forum's scope
(``Scope(school_id, classroom_id)``; no database access). Who moderates is the circuit's rule
(``apps.publications.moderation.may_moderate``): a class forum's teachers, a school forum's
direction.

* A class forum is its class's: the class's pupils and teachers, and the school's direction
  (who answers for what is written in the school). Not the teachers of other classes, and
  not the parents: the forum is where pupils learn to discuss among themselves under their
  teacher's eye, in the class's own words; families follow the class through its blog and
  write to the teacher through the messagerie and the cahier de liaison. A parent reading
  and writing beside the children would make it another place where adults talk, and put
  children's writing before adults they do not know.
* A school forum is its staff's and its pupils': every staff member of the school and every
  pupil enrolled in it; not the parents, for the same reason.
* Not the commune's administrator: the forums are the classroom's life, and the
  administrator moderates nothing there.
* Every member writes: a pupil's subject and each pupil's message wait for a moderator; an
  adult's are published at once.
* Categories, locks, pins, edits and deletions of others' writing: the moderators.
* « Signaler »: every member, on what is published and not their own.
"""

from __future__ import annotations

from apps.accounts.permissions import Actor
from apps.publications.moderation import Scope, may_moderate


def may_read(actor: Actor, scope: Scope) -> bool:
    if not actor.active or scope.school_id is None:
        return False
    if scope.classroom_id is not None:
        if actor.is_pupil:
            return scope.classroom_id in actor.class_ids
        if actor.is_school_staff:
            return (
                scope.classroom_id in actor.taught_class_ids
                or scope.school_id in actor.directed_school_ids
            )
        return False
    if actor.is_pupil or actor.is_school_staff:
        return scope.school_id in actor.school_ids
    return False


def may_write(actor: Actor, scope: Scope) -> bool:
    return may_read(actor, scope)


def waits_for_moderator(actor: Actor, scope: Scope) -> bool:
    """Whether what ``actor`` writes waits (a pupil's, always) or is published at once (an
    adult's)."""
    return actor.is_pupil and not may_moderate(actor, scope)


def may_manage(actor: Actor, scope: Scope) -> bool:
    """Categories, locks and pins: the forum's moderators."""
    return may_moderate(actor, scope)


def may_report(actor: Actor, scope: Scope) -> bool:
    return may_read(actor, scope)
