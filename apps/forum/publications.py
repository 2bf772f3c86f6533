"""The forums' two kinds of publication (``apps.publications.registry``): subjects and their
messages, both through the moderation circuit, seen as ``apps.forum.rules`` says once
published and by their author and moderators only before. A message is seen only where its
subject is."""

from __future__ import annotations

from collections.abc import Collection

from django.urls import reverse

from apps.accounts.permissions import Actor
from apps.forum import rules
from apps.forum.models import Message, Subject
from apps.publications.models import Publication, State
from apps.publications.moderation import Scope, may_moderate, sees_in_circuit
from apps.publications.registry import PublicationKind, QueueItem, register

SUBJECT = "forum.subject"
MESSAGE = "forum.message"

# The author changes what they wrote while it is theirs (a correction asked, a refusal) and
# the subject is not locked; a moderator at any time.
AUTHOR_EDITS = frozenset({State.DRAFT, State.REFUSED})


def seen(actor: Actor, publication: Publication, scope: Scope) -> bool:
    """Published: the forum's members; otherwise its author and moderators only."""
    if publication.state == State.PUBLISHED:
        return rules.may_read(actor, scope)
    return sees_in_circuit(actor, scope, publication.author_id)


def may_edit(actor: Actor, publication: Publication, scope: Scope, *, locked: bool) -> bool:
    """Change or delete a subject or a message: a moderator always; its author while it is
    theirs again (``AUTHOR_EDITS``) and the subject is open."""
    if may_moderate(actor, scope):
        return True
    return (
        actor.active
        and not locked
        and publication.author_id == actor.id
        and publication.state in AUTHOR_EDITS
        and rules.may_read(actor, scope)
    )


def _subjects(ids: Collection[int]) -> list[Subject]:
    return list(
        Subject.objects.filter(publication_id__in=ids).select_related("publication", "forum")
    )


def _messages(ids: Collection[int]) -> list[Message]:
    return list(
        Message.objects.filter(publication_id__in=ids).select_related(
            "publication", "subject__publication", "subject__forum"
        )
    )


def subject_visible(actor: Actor, ids: Collection[int]) -> set[int]:
    return {s.publication_id for s in _subjects(ids) if seen(actor, s.publication, s.forum.scope)}


def message_visible(actor: Actor, ids: Collection[int]) -> set[int]:
    return {
        m.publication_id
        for m in _messages(ids)
        if seen(actor, m.subject.publication, m.subject.forum.scope)
        and seen(actor, m.publication, m.subject.forum.scope)
    }


def no_files(actor: Actor, publication_id: int) -> bool:
    # Forum writing has no file: nobody changes its files.
    return False


def subject_url(subject: Subject) -> str:
    return reverse("forum:subject", args=[subject.pk])


def message_url(message: Message) -> str:
    """The message's own address, which finds its page in the subject for whoever opens it."""
    return reverse("forum:message", args=[message.pk])


def excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 140 else text[:139] + "…"


def subject_describe(ids: Collection[int]) -> dict[int, QueueItem]:
    return {
        s.publication_id: QueueItem(
            title=f"Sujet « {s.title} »",
            url=subject_url(s),
            where=s.forum.title,
            excerpt=excerpt(s.body),
        )
        for s in _subjects(ids)
    }


def message_describe(ids: Collection[int]) -> dict[int, QueueItem]:
    return {
        m.publication_id: QueueItem(
            title=f"Message dans « {m.subject.title} »",
            url=message_url(m),
            where=m.subject.forum.title,
            excerpt=excerpt(m.body),
        )
        for m in _messages(ids)
    }


def message_decided(publication_id: int, state: str) -> None:
    from apps.forum.services import message_published

    if state == State.PUBLISHED:
        message_published(publication_id)


def register_kinds() -> None:
    register(
        PublicationKind(
            name=SUBJECT,
            label="Sujet de forum",
            short="forumsubject",
            visible=subject_visible,
            editable=no_files,
            describe=subject_describe,
        )
    )
    register(
        PublicationKind(
            name=MESSAGE,
            label="Message de forum",
            short="forummessage",
            visible=message_visible,
            editable=no_files,
            describe=message_describe,
            decided=message_decided,
        )
    )
