"""Erasure of a person at their request (or their guardian's), handled by the commune
administrator.

Deleting the account deletes, by the schema's own cascades, what exists only because of the
person (enrolments, guardianships, confirmations, replies, notifications, devices, tokens);
what others wrote keeps existing without its author (the foreign key is emptied). The files a
pupil or a parent gave are deleted with their rows. Legal exceptions are kept: the commune's
journal (who did what, as the law asks of an information system; the line keeps the name it
was written with) and, in the groupement's schema, issued invoices (which name communes, not
people).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest

from apps.accounts.models import Profile, User
from apps.accounts.signals import person_erased
from apps.attachments.models import Attachment
from apps.audit.services import record_event
from apps.messaging.services import sender_forgotten
from apps.privacy.selectors import personal_data

FAMILY_PROFILES = frozenset({Profile.PUPIL, Profile.PARENT})


@dataclass(frozen=True)
class Erasure:
    username: str
    rows: int
    files: int


@transaction.atomic
def person_erase(*, actor: User, user: User, reason: str, request: HttpRequest | None) -> Erasure:
    data = personal_data(user)
    username = user.username
    files = []
    if user.profile in FAMILY_PROFILES:
        # What a pupil or a parent gave is theirs; a teacher's files belong to the class's
        # notebooks and stay, without their author.
        for attachment in Attachment.objects.filter(uploaded_by=user):
            files.append(attachment.file.name)
            attachment.delete()
    # What others received from the person stays, under "ancien compte": without their name.
    sender_forgotten(user.pk)
    person_erased.send(sender=User, user_id=user.pk, family=user.profile in FAMILY_PROFILES)
    user.delete()
    # The stored files go once the rows are gone for good: a rolled-back erasure keeps them.
    storage = Attachment._meta.get_field("file").storage

    def delete_files() -> None:
        for name in files:
            if name:
                storage.delete(name)

    transaction.on_commit(delete_files)
    record_event(
        action="privacy.erased",
        actor=actor,
        target=username,
        details={"rows": data.row_count(), "files": len(files), "reason": reason[:300]},
        request=request,
    )
    return Erasure(username=username, rows=data.row_count(), files=len(files))


def personal_data_exported(*, actor: User, person: User, request: HttpRequest | None) -> None:
    record_event(
        action="privacy.exported",
        actor=actor,
        target=person.username,
        details={"for_child": actor.pk != person.pk},
        request=request,
    )
