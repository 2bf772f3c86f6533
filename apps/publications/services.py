"""Writes of the publication kernel: creating the owner row and moving its state.

Features call these from their own services, inside their own transaction: an entry and its
publication are created, published or taken back together, or not at all.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from apps.publications.models import Publication, State
from apps.publications.registry import kind_of


class PublicationError(Exception):
    """A transition the publication's state does not allow."""


# Which state may go to which (the services below are the only way to move it).
TRANSITIONS: dict[str, frozenset[str]] = {
    State.DRAFT: frozenset({State.PUBLISHED, State.SUBMITTED}),
    State.SUBMITTED: frozenset({State.PUBLISHED, State.DRAFT}),
    State.PUBLISHED: frozenset({State.DRAFT, State.UNPUBLISHED}),
    State.UNPUBLISHED: frozenset({State.PUBLISHED, State.DRAFT}),
}


def publication_create(
    *,
    kind: str,
    author_id: int | None,
    published_at: datetime.datetime | None = None,
) -> Publication:
    """A new publication of a registered ``kind``: published at ``published_at`` if given
    (the feature's own date, so both say the same instant), a draft otherwise."""
    kind_of(kind)  # a kind no feature registered is a programming error
    return Publication.objects.create(
        kind=kind,
        author_id=author_id,
        state=State.PUBLISHED if published_at is not None else State.DRAFT,
        published_at=published_at,
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
