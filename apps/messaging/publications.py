"""The messagerie's kind of publication (``apps.publications.registry``): a message's files
are seen by those who hold a copy of it (its sender, its recipients) while it is not
recalled, and by the teachers who moderate it or the referents of a report; they change
only while it is a draft."""

from __future__ import annotations

from collections.abc import Collection

from apps.accounts.permissions import Actor
from apps.publications.registry import PublicationKind, register

MESSAGE = "messaging.message"
LOCKED = "Un message envoyé ne change plus : ses pièces jointes non plus."


def visible(actor: Actor, publication_ids: Collection[int]) -> set[int]:
    from apps.messaging.models import Copy, Message, State

    held = set(
        Copy.objects.filter(
            owner_id=actor.id, message__publication_id__in=publication_ids
        ).values_list("message__publication_id", "message__sender_id", "message__recalled_at")
    )
    seen = {pub for pub, sender, recalled in held if recalled is None or sender == actor.id}
    if actor.taught_class_ids:
        seen |= set(
            Message.objects.filter(
                publication_id__in=publication_ids,
                state=State.MODERATION,
                moderation_class_id__in=actor.taught_class_ids,
            ).values_list("publication_id", flat=True)
        )
    return seen


def editable(actor: Actor, publication_id: int) -> bool:
    from apps.messaging.models import Message, State

    return Message.objects.filter(
        publication_id=publication_id, sender_id=actor.id, state=State.DRAFT
    ).exists()


def locked(publication_id: int) -> str | None:
    from apps.messaging.models import Message, State

    draft = Message.objects.filter(publication_id=publication_id, state=State.DRAFT).exists()
    return None if draft else LOCKED


def from_message_id(message_id: int) -> int | None:
    from apps.messaging.models import Message

    return Message.objects.filter(pk=message_id).values_list("publication_id", flat=True).first()


def register_kind() -> None:
    register(
        PublicationKind(
            name=MESSAGE,
            label="Message",
            short="message",
            visible=visible,
            editable=editable,
            locked=locked,
            api_field="message",
            from_feature_id=from_message_id,
        )
    )
