"""Reads of attachments: one attachment for a viewer, through the rule its publication's kind
registered (``apps.publications.registry``; a pending one for its uploader only); ``None``
for "missing" and "forbidden" alike. And the pending files of one form."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.accounts.permissions import Actor
from apps.attachments.models import Attachment
from apps.publications.registry import may_see


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
        publication__isnull=True,
    )


def attachment_for_viewer(actor: Actor, attachment_id: int) -> Attachment | None:
    if not actor.active:
        return None
    attachment = Attachment.objects.select_related("publication").filter(pk=attachment_id).first()
    if attachment is None:
        return None
    if attachment.is_pending:
        # No publication yet, hence no feature's rule: the file is its uploader's alone.
        visible = attachment.uploaded_by_id is not None and attachment.uploaded_by_id == actor.id
    else:
        publication = attachment.publication
        assert publication is not None  # noqa: S101 - not pending, so it has one (constraint)
        visible = may_see(actor, publication.kind, publication.pk)
    return attachment if visible else None
