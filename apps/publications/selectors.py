"""Reads of the moderation circuit: the one queue of a moderator, across every kind that
moderates (blog posts, comments, news, forum messages), oldest first, with how long each has
waited."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.accounts.permissions import Actor
from apps.accounts.selectors import names_only
from apps.publications.models import Publication, State
from apps.publications.moderation import Scope, may_moderate
from apps.publications.registry import QueueItem, kind_of, kinds


def _moderated_by(actor: Actor) -> Q | None:
    """The scopes ``actor`` moderates (``apps.publications.moderation.may_moderate``, as one
    filter); None: none."""
    if not actor.active:
        return None
    scopes = Q(classroom_id__in=actor.taught_class_ids) | Q(
        classroom__isnull=True, school_id__in=actor.directed_school_ids
    )
    if actor.is_commune_admin:
        scopes |= Q(classroom__isnull=True, school__isnull=True)
    return scopes


def waiting(actor: Actor) -> QuerySet[Publication]:
    """What waits for ``actor``'s decision, oldest first."""
    scopes = _moderated_by(actor)
    if scopes is None:
        return Publication.objects.none()
    return Publication.objects.filter(scopes, state=State.SUBMITTED).order_by("submitted_at", "pk")


def waiting_count(actor: Actor) -> int:
    return waiting(actor).count()


def moderates_anything(actor: Actor) -> bool:
    """Whether ``actor`` has a queue at all (teachers, directors, the commune
    administrator)."""
    return actor.active and bool(
        actor.taught_class_ids or actor.directed_school_ids or actor.is_commune_admin
    )


@dataclass(frozen=True)
class QueueLine:
    publication: Publication
    kind_label: str
    item: QueueItem
    author: str
    waited: datetime.timedelta


def queue_rows(actor: Actor) -> QuerySet[Publication]:
    """``waiting`` with the authors' names (a page of it is one query)."""
    return names_only(waiting(actor).select_related("author"), "author")


def queue_lines(rows: Iterable[Publication]) -> list[QueueLine]:
    """A page of the queue as shown: one query per kind present on the page (its
    ``describe``)."""
    rows = list(rows)
    by_kind: dict[str, list[int]] = {}
    for row in rows:
        by_kind.setdefault(row.kind, []).append(row.pk)
    items: dict[int, QueueItem] = {}
    for name, ids in by_kind.items():
        items.update(kind_of(name).describe(ids))
    now = timezone.now()
    return [
        QueueLine(
            publication=row,
            kind_label=kind_of(row.kind).label,
            item=items[row.pk],
            author=_author(row),
            waited=now - (row.submitted_at or row.created_at),
        )
        for row in rows
        if row.pk in items
    ]


def _author(row: Publication) -> str:
    author = row.author
    if author is None or author.left_at is not None:
        return "Ancien compte"
    return author.display_name


def decidable_by(actor: Actor, publication_id: int) -> Publication | None:
    """The publication of a moderated kind that ``actor`` moderates and sees (what waits, and
    what was published or taken down); None for missing and forbidden alike. Whether the
    decision is allowed in its state is the circuit's (``services.circuit_decide``)."""
    moderated = [kind.name for kind in kinds() if kind.moderated]
    publication = Publication.objects.filter(pk=publication_id, kind__in=moderated).first()
    if publication is None:
        return None
    scope = Scope(school_id=publication.school_id, classroom_id=publication.classroom_id)
    if not may_moderate(actor, scope):
        return None
    if not kind_of(publication.kind).visible(actor, [publication.pk]):
        return None
    return publication
