"""Reads of attachments: one attachment for a viewer, through the rules of the notebook it
belongs to (a pending one for its uploader only); ``None`` for "missing" and "forbidden"
alike. And the pending files of one form."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.accounts.permissions import Actor, can_view_homework
from apps.attachments.models import Attachment
from apps.homework.models import HomeworkEntry
from apps.homework.selectors import may_edit
from apps.liaison.selectors import note_for_family, note_managed_by


@dataclass(frozen=True)
class Pending:
    """The pending files of one form: its key (``pending_form``) and the token it carries."""

    form: str
    token: str


def pending_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def pending_rows(user: User, pending: Pending) -> QuerySet[Attachment]:
    """The user's own pending files of this form and token: never anyone else's."""
    return Attachment.objects.filter(
        uploaded_by=user,
        pending_form=pending.form,
        pending_token=pending_digest(pending.token),
        pending_since__isnull=False,
        homework_entry__isnull=True,
        liaison_note__isnull=True,
    )


def _may_see_entry(actor: Actor, entry: HomeworkEntry) -> bool:
    """As the week pages show it: drafts only for those who may edit the class's cahier de
    textes, published entries for whoever may read it."""
    classroom = entry.classroom
    if may_edit(actor, classroom):
        return True
    return entry.is_published and can_view_homework(
        viewer=actor, classroom_id=classroom.pk, school_id=classroom.school_id
    )


def _may_see_note(actor: Actor, note_id: int) -> bool:
    """Its writers (drafts too); the children it concerns and their guardians once published."""
    return (
        note_managed_by(actor, note_id) is not None or note_for_family(actor, note_id) is not None
    )


def attachment_for_viewer(actor: Actor, attachment_id: int) -> Attachment | None:
    if not actor.active:
        return None
    attachment = (
        Attachment.objects.select_related("homework_entry__classroom")
        .filter(pk=attachment_id)
        .first()
    )
    if attachment is None:
        return None
    if attachment.is_pending:
        # No item yet, hence no notebook's rule: the file is its uploader's alone.
        visible = attachment.uploaded_by_id is not None and attachment.uploaded_by_id == actor.id
    elif attachment.homework_entry is not None:
        visible = _may_see_entry(actor, attachment.homework_entry)
    else:
        visible = attachment.liaison_note_id is not None and _may_see_note(
            actor, attachment.liaison_note_id
        )
    return attachment if visible else None
