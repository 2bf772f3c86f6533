"""A deleted attachment row (or rendition row) deletes its stored object once the deletion
commits; a photo consent withdrawn takes down the public pages that show the pupil
(``consent``).

A receiver rather than a service step because rows also go by cascade (an entry of the cahier
de textes deleted, an account purged): Django sends ``post_delete`` for each of them, and only
then is no object left behind in the bucket. After the commit, so that a rolled-back deletion
keeps its file.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from apps.accounts.signals import photo_consent_withdrawn
from apps.attachments.consent import on_consent_withdrawn
from apps.attachments.models import Attachment, Rendition
from apps.attachments.services import delete_object_after_commit


@receiver(post_delete, sender=Attachment, dispatch_uid="attachments_delete_object")
def _delete_object(sender: type[Attachment], instance: Attachment, **kwargs: Any) -> None:
    if instance.file.name:
        delete_object_after_commit(instance.file.name)


@receiver(post_delete, sender=Rendition, dispatch_uid="attachments_delete_rendition")
def _delete_rendition(sender: type[Rendition], instance: Rendition, **kwargs: Any) -> None:
    # Sent for each rendition of a deleted attachment too: the cascade collects them one by
    # one because this receiver exists.
    if instance.name:
        delete_object_after_commit(instance.name)


@receiver(photo_consent_withdrawn, dispatch_uid="attachments_consent_withdrawn")
def _consent_withdrawn(sender: Any, user_ids: list[int], **kwargs: Any) -> None:
    on_consent_withdrawn(sender, user_ids)
