"""Who reads, writes and publishes news, and who sees a banner: pure rules over the ``Actor``
(no database access), with the one filter the selectors build from them (``readable``).

* A news item is for an audience: families (parents), pupils, staff, or everyone. A school's
  news is read by the school's people in its audience; the school's staff read every news of
  their school (families ask them about it), marked with its audience. The commune's news
  (no school) is read likewise by the people of every school. The commune administrator reads
  every news of the commune.
* Writing: the commune's news, its administrator; a school's news, its direction, its
  teachers (through the circuit: their director publishes, asks for a correction or refuses)
  and the commune's administrator. Who moderates is the publication's scope
  (``scope_for``): the administrator's own writing is theirs, everyone else's is the school's
  direction's (``apps.publications.moderation.may_moderate``).
* Only a moderator makes a school's news public (its public site); the commune's news has no
  public site of its own.
* A banner is shown, strictly, to the people of its audience: those of its school (of every
  school for the commune's), the commune administrator counting as staff for the commune's.
  The direction sets its school's banners; the administrator the commune's and any school's.
"""

from __future__ import annotations

from django.db.models import Q

from apps.accounts.models import Profile
from apps.accounts.permissions import Actor
from apps.news.models import Audience
from apps.publications.moderation import Scope, may_moderate


def audiences_of(actor: Actor) -> frozenset[str]:
    """The audiences that include ``actor``: everyone's, and their own."""
    own_of: dict[str, str] = {
        Profile.PARENT: Audience.FAMILIES,
        Profile.PUPIL: Audience.PUPILS,
        Profile.TEACHER: Audience.STAFF,
        Profile.DIRECTOR: Audience.STAFF,
        Profile.STAFF: Audience.STAFF,
        Profile.COMMUNE_ADMIN: Audience.STAFF,
    }
    own = own_of.get(actor.profile)
    return frozenset({Audience.ALL, own}) if own else frozenset()


def _in_commune(actor: Actor) -> bool:
    return actor.is_commune_admin or bool(actor.school_ids and audiences_of(actor))


def may_read(actor: Actor, school_id: int | None, audience: str) -> bool:
    """A published news item of ``school_id`` (None: the commune's) for ``audience``."""
    if not actor.active or not _in_commune(actor):
        return False
    if actor.is_commune_admin:
        return True
    if school_id is not None and school_id not in actor.school_ids:
        return False
    return actor.is_school_staff or audience in audiences_of(actor)


def readable(actor: Actor) -> Q | None:
    """``may_read`` as a filter on ``News`` (None: nothing); tests/news/test_rules.py checks
    that both say the same."""
    if not actor.active or not _in_commune(actor):
        return None
    if actor.is_commune_admin:
        return Q()
    mine = Q(school__isnull=True) | Q(school_id__in=actor.school_ids)
    if actor.is_school_staff:
        return mine
    return mine & Q(audience__in=audiences_of(actor))


def may_write(actor: Actor, school_id: int | None) -> bool:
    """Write a news item of ``school_id`` (None: the commune's)."""
    if not actor.active:
        return False
    if actor.is_commune_admin:
        return True
    if school_id is None:
        return False
    return school_id in actor.directed_school_ids or (
        actor.profile == Profile.TEACHER and school_id in actor.school_ids
    )


def writable_school_ids(actor: Actor, all_school_ids: frozenset[int]) -> frozenset[int]:
    """The schools whose news ``actor`` writes, of the commune's ``all_school_ids``."""
    return frozenset(pk for pk in all_school_ids if may_write(actor, pk))


def scope_for(actor: Actor, school_id: int | None) -> Scope:
    """Who moderates what ``actor`` writes for ``school_id``: the administrator's writing is
    the commune's (they publish it at once and answer for it), the rest the school's."""
    if actor.is_commune_admin or school_id is None:
        return Scope()
    return Scope(school_id=school_id)


def may_make_public(actor: Actor, scope: Scope, school_id: int | None) -> bool:
    return school_id is not None and may_moderate(actor, scope)


def concerned(actor: Actor, school_id: int | None, audience: str) -> bool:
    """Whether a banner of ``school_id`` (None: the commune's) for ``audience`` is shown on
    ``actor``'s pages."""
    if not actor.active or audience not in audiences_of(actor):
        return False
    if school_id is None:
        return _in_commune(actor)
    return school_id in actor.school_ids


def may_set_banner(actor: Actor, school_id: int | None) -> bool:
    """The school's direction for its school; the commune administrator for the commune or
    any school."""
    if not actor.active:
        return False
    if actor.is_commune_admin:
        return True
    return school_id is not None and school_id in actor.directed_school_ids


def sets_banners(actor: Actor) -> bool:
    return actor.active and (actor.is_commune_admin or bool(actor.directed_school_ids))
