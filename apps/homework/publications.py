"""The cahier de textes' kind of publication (``apps.publications.registry``): its entries,
seen as the week pages show them (drafts by those who may edit the class's notebook,
published entries by whoever may read it), their files changed by those who may edit."""

from __future__ import annotations

from collections.abc import Collection

from apps.accounts.permissions import Actor, can_view_homework
from apps.homework.models import HomeworkEntry
from apps.homework.selectors import may_edit
from apps.publications.registry import PublicationKind, register

ENTRY = "homework.entry"


def visible(actor: Actor, publication_ids: Collection[int]) -> set[int]:
    entries = HomeworkEntry.objects.filter(publication_id__in=publication_ids).select_related(
        "classroom"
    )
    return {
        entry.publication_id
        for entry in entries
        if may_edit(actor, entry.classroom)
        or (
            entry.is_published
            and can_view_homework(
                viewer=actor, classroom_id=entry.classroom_id, school_id=entry.classroom.school_id
            )
        )
    }


def editable(actor: Actor, publication_id: int) -> bool:
    entry = (
        HomeworkEntry.objects.select_related("classroom")
        .filter(publication_id=publication_id)
        .first()
    )
    return entry is not None and may_edit(actor, entry.classroom)


def from_entry_id(entry_id: int) -> int | None:
    return (
        HomeworkEntry.objects.filter(pk=entry_id).values_list("publication_id", flat=True).first()
    )


def register_kind() -> None:
    register(
        PublicationKind(
            name=ENTRY,
            label="Séance du cahier de textes",
            short="homework",
            visible=visible,
            editable=editable,
            api_field="homework_entry",
            from_feature_id=from_entry_id,
        )
    )
