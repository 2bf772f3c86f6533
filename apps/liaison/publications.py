"""The cahier de liaison's kind of publication (``apps.publications.registry``): a note is
seen by its writers (drafts too) and, once published, by the children it concerns and their
guardians; its files change while no family has confirmed it."""

from __future__ import annotations

from collections.abc import Collection

from apps.accounts.permissions import Actor, can_write_liaison_note
from apps.liaison.models import Acknowledgement, LiaisonNote
from apps.liaison.selectors import note_for_family, note_managed_by
from apps.publications.registry import PublicationKind, register

NOTE = "liaison.note"
LOCKED = (
    "Des familles ont déjà confirmé ce mot : ses pièces jointes ne changent plus. "
    "Publiez une correction."
)


def visible(actor: Actor, publication_ids: Collection[int]) -> set[int]:
    rows = LiaisonNote.objects.filter(publication_id__in=publication_ids).values_list(
        "pk", "publication_id"
    )
    return {
        publication_id
        for note_id, publication_id in rows
        if note_managed_by(actor, note_id) is not None
        or note_for_family(actor, note_id) is not None
    }


def editable(actor: Actor, publication_id: int) -> bool:
    note = (
        LiaisonNote.objects.filter(publication_id=publication_id)
        .values("school_id", "classroom_id")
        .first()
    )
    return note is not None and can_write_liaison_note(author=actor, **note)


def locked(publication_id: int) -> str | None:
    confirmed = Acknowledgement.objects.filter(note__publication_id=publication_id).exists()
    return LOCKED if confirmed else None


def from_note_id(note_id: int) -> int | None:
    return LiaisonNote.objects.filter(pk=note_id).values_list("publication_id", flat=True).first()


def register_kind() -> None:
    register(
        PublicationKind(
            name=NOTE,
            label="Mot du cahier de liaison",
            short="liaison",
            visible=visible,
            editable=editable,
            locked=locked,
            api_field="liaison_note",
            from_feature_id=from_note_id,
        )
    )
