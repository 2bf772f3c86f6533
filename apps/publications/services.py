"""Writes of the publication kernel: creating the owner row and moving its state.

Features call these from their own services, inside their own transaction: an entry and its
publication are created, published or taken back together, or not at all.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from apps.accounts.permissions import Actor
from apps.audit.services import record_event
from apps.publications import moderation
from apps.publications.models import Publication, State
from apps.publications.moderation import Scope
from apps.publications.registry import kind_of


class PublicationError(Exception):
    """A transition the publication's state does not allow."""


class ModerationError(Exception):
    """One French sentence for the person; nothing was changed."""


# Which state may go to which (the services below are the only way to move it).
TRANSITIONS: dict[str, frozenset[str]] = {
    State.DRAFT: frozenset({State.PUBLISHED, State.SUBMITTED}),
    State.SUBMITTED: frozenset({State.PUBLISHED, State.DRAFT, State.REFUSED}),
    State.PUBLISHED: frozenset({State.DRAFT, State.UNPUBLISHED}),
    State.UNPUBLISHED: frozenset({State.PUBLISHED, State.DRAFT}),
    State.REFUSED: frozenset({State.SUBMITTED, State.DRAFT}),
}


def publication_create(
    *,
    kind: str,
    author_id: int | None,
    published_at: datetime.datetime | None = None,
    scope: Scope | None = None,
) -> Publication:
    """A new publication of a registered ``kind``: published at ``published_at`` if given
    (the feature's own date, so both say the same instant), a draft otherwise. ``scope``: for
    a kind that moderates, where it belongs (who moderates it)."""
    kind_of(kind)  # a kind no feature registered is a programming error
    return Publication.objects.create(
        kind=kind,
        author_id=author_id,
        state=State.PUBLISHED if published_at is not None else State.DRAFT,
        published_at=published_at,
        school_id=scope.school_id if scope else None,
        classroom_id=scope.classroom_id if scope else None,
    )


def _move(publication: Publication, state: str) -> None:
    if state not in TRANSITIONS[publication.state]:
        raise PublicationError(f"{publication.state} → {state} is not allowed")
    publication.state = state


def publication_publish(
    publication: Publication, *, at: datetime.datetime | None = None
) -> Publication:
    _move(publication, State.PUBLISHED)
    publication.published_at = at or timezone.now()
    publication.save(update_fields=["state", "published_at"])
    return publication


def publication_submit(publication: Publication) -> Publication:
    """Waiting for a moderator (the blog's seam: no feature submits yet)."""
    _move(publication, State.SUBMITTED)
    publication.save(update_fields=["state"])
    return publication


def publication_back_to_draft(publication: Publication) -> Publication:
    _move(publication, State.DRAFT)
    publication.published_at = None
    publication.save(update_fields=["state", "published_at"])
    return publication


def publication_unpublish(publication: Publication) -> Publication:
    """Taken down after publication; its date of publication is kept."""
    _move(publication, State.UNPUBLISHED)
    publication.save(update_fields=["state"])
    return publication


def publication_edited(publication: Publication, *, at: datetime.datetime | None = None) -> None:
    publication.edited_at = at or timezone.now()
    publication.save(update_fields=["edited_at"])


def publication_revised(
    publication: Publication, *, published_at: datetime.datetime | None
) -> Publication:
    """A feature's row was saved again: its publication follows it in one write — published
    at ``published_at`` (kept if it was already), back to draft when None — and is marked
    edited."""
    state = State.PUBLISHED if published_at is not None else State.DRAFT
    if state != publication.state:
        _move(publication, state)
    publication.published_at = published_at
    publication.edited_at = timezone.now()
    publication.save(update_fields=["state", "published_at", "edited_at"])
    return publication


# --- the moderation circuit --------------------------------------------------------------------


# The journal's name of each decision (labels in apps/audit/actions.py).
JOURNAL = {
    moderation.PUBLISH: "publication.published",
    moderation.CORRECT: "publication.correction_asked",
    moderation.REFUSE: "publication.refused",
    moderation.UNPUBLISH: "publication.unpublished",
}


def scope_of(publication: Publication) -> Scope:
    return Scope(school_id=publication.school_id, classroom_id=publication.classroom_id)


def _locked(publication: Publication) -> Publication:
    return Publication.objects.select_for_update().get(pk=publication.pk)


def _journal(action: str, actor: Actor, publication: Publication, **details: object) -> None:
    record_event(
        action=action,
        actor=actor,
        target=f"{publication.kind} {publication.pk}",
        details={"state": publication.state, **details},
    )


def _tell_author(publication: Publication, actor: Actor) -> None:
    """The author hears a moderator's decision on what they wrote (not their own)."""
    from apps.publications.notifications import tell_author

    if publication.author_id is not None and publication.author_id != actor.id:
        tell_author(publication)


def _publish_checked(publication: Publication, kind_name: str) -> None:
    refusal = kind_of(kind_name).check_publish(publication.pk)
    if refusal:
        raise ModerationError(refusal)


def circuit_submit(*, actor: Actor, publication: Publication) -> Publication:
    """The author sends their draft (or a refused one, reworked): a moderator of its scope
    publishes it at once, anyone else's waits in the moderators' queue."""
    with transaction.atomic():
        locked = _locked(publication)
        if locked.author_id != actor.id:
            raise ModerationError(moderation.NOT_YOURS)
        if moderation.may_moderate(actor, scope_of(locked)):
            if locked.state not in (State.DRAFT, State.REFUSED, State.UNPUBLISHED):
                raise ModerationError(moderation.NOT_NOW)
            _publish_checked(locked, locked.kind)
            if locked.state == State.REFUSED:
                _move(locked, State.DRAFT)
            _move(locked, State.PUBLISHED)
            locked.published_at = locked.published_at or timezone.now()
            locked.decided_at, locked.decided_by_id, locked.note = timezone.now(), actor.id, ""
            locked.save(update_fields=["state", "published_at", "decided_at", "decided_by", "note"])
            _journal("publication.published", actor, locked)
            kind_of(locked.kind).decided(locked.pk, locked.state)
            return locked
        if locked.state not in moderation.SUBMITTABLE:
            raise ModerationError(moderation.NOT_NOW)
        _move(locked, State.SUBMITTED)
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["state", "submitted_at"])
        _journal("publication.submitted", actor, locked)
        return locked


def circuit_withdraw(*, actor: Actor, publication: Publication) -> Publication:
    """The author takes back what waits for a moderator (back to their draft)."""
    with transaction.atomic():
        locked = _locked(publication)
        if locked.author_id != actor.id:
            raise ModerationError(moderation.NOT_YOURS)
        if locked.state not in moderation.WITHDRAWABLE:
            raise ModerationError(moderation.NOT_NOW)
        _move(locked, State.DRAFT)
        locked.submitted_at = None
        locked.save(update_fields=["state", "submitted_at"])
        _journal("publication.withdrawn", actor, locked)
        return locked


def circuit_decide(
    *, actor: Actor, publication: Publication, decision: str, note: str = ""
) -> Publication:
    """A moderator of the publication's scope decides: publish, ask for a correction (with a
    note: back to the author's draft), refuse (with a note) or take down (a note if they
    like). The author is told; the journal keeps the step."""
    note = note.strip()[:1000]
    with transaction.atomic():
        locked = _locked(publication)
        # A kind outside the circuit (a liaison note, an entry of the cahier de textes) has no
        # moderator, though its empty scope would name the commune's administrator.
        if not kind_of(locked.kind).moderated or not moderation.may_moderate(
            actor, scope_of(locked)
        ):
            raise ModerationError(moderation.NOT_YOURS)
        if not moderation.decision_allowed(decision, locked.state):
            raise ModerationError(moderation.NOT_NOW)
        if locked.state == State.DRAFT and locked.author_id != actor.id:
            raise ModerationError(moderation.NOT_YOURS)  # someone's draft is theirs alone
        if decision in (moderation.CORRECT, moderation.REFUSE) and not note:
            raise ModerationError(moderation.NOTE_NEEDED)
        target = moderation.DECISIONS[decision][1]
        if target == State.PUBLISHED:
            _publish_checked(locked, locked.kind)
            locked.published_at = locked.published_at or timezone.now()
        _move(locked, target)
        if target == State.DRAFT:
            locked.submitted_at = None
        locked.decided_at, locked.decided_by_id = timezone.now(), actor.id
        locked.note = "" if target == State.PUBLISHED else note
        locked.save(
            update_fields=[
                "state",
                "published_at",
                "submitted_at",
                "decided_at",
                "decided_by",
                "note",
            ]
        )
        _journal(JOURNAL[decision], actor, locked, note=bool(note))
        kind_of(locked.kind).decided(locked.pk, locked.state)
        _tell_author(locked, actor)
        return locked
