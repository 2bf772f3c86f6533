"""Who reads, writes and comments a blog: pure rules over the ``Actor`` and the blog's scope
(``Scope(school_id, classroom_id)``; no database access). Who moderates is the circuit's
rule (``apps.publications.moderation.may_moderate``): a class blog's teachers, a school
blog's direction.

* A class blog is read by the class's pupils, their parents and the school's staff; a school
  blog by its pupils, their parents and its staff. Not by the commune's administrator: a
  blog is the classroom's life, written for its families, and the administrator moderates
  nothing there (the queue of ``/a-valider/`` gives them the commune's own publications).
* Posts: on a class blog, its teachers (published at once) and its pupils (submitted); on a
  school blog, its direction (published at once) and its teachers (submitted).
* Comments: every reader. A pupil's always waits for a moderator; an adult's is published at
  once when the blog does not moderate comments, else submitted (a moderator's own comment is
  published at once either way).
* Only a moderator makes a post public (the school's public site).
"""

from __future__ import annotations

from apps.accounts.models import Profile
from apps.accounts.permissions import Actor
from apps.publications.moderation import Scope, may_moderate


def may_read(actor: Actor, scope: Scope) -> bool:
    if not actor.active or scope.school_id is None:
        return False
    if actor.is_school_staff:
        return scope.school_id in actor.school_ids
    if actor.is_pupil or actor.is_parent:
        if scope.classroom_id is not None:
            return scope.classroom_id in actor.class_ids
        return scope.school_id in actor.school_ids
    return False


def may_write_post(actor: Actor, scope: Scope) -> bool:
    if not may_read(actor, scope):
        return False
    if scope.classroom_id is not None:
        return scope.classroom_id in actor.taught_class_ids or (
            actor.is_pupil and scope.classroom_id in actor.class_ids
        )
    return may_moderate(actor, scope) or actor.profile == Profile.TEACHER


def may_comment(actor: Actor, scope: Scope) -> bool:
    return may_read(actor, scope)


def may_make_public(actor: Actor, scope: Scope) -> bool:
    return may_moderate(actor, scope)


def may_configure(actor: Actor, scope: Scope) -> bool:
    """The blog's settings (comments moderated or not): its moderators."""
    return may_moderate(actor, scope)
