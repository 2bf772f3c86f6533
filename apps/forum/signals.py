"""The forums' writers' names (``author_name``) follow the kernel's rule
(``apps.publications.authors``): written again on a rename; on an erasure a pupil's subjects
(with the replies in them) and messages go with the account, a teacher's stay under
« Ancien compte »."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from apps.accounts.signals import names_changed, person_erased
from apps.forum.models import Message, Subject
from apps.publications.authors import authors_forgotten, authors_renamed
from apps.publications.models import Publication


@receiver(names_changed, dispatch_uid="forum_names_changed")
def _names_changed(sender: Any, user_ids: list[int], **kwargs: Any) -> None:
    authors_renamed([Subject, Message], user_ids)


@receiver(person_erased, dispatch_uid="forum_person_erased")
def _person_erased(sender: Any, user_id: int, family: bool, **kwargs: Any) -> None:
    if not family:
        authors_forgotten([Subject, Message], user_id)
        return
    subjects = Subject.objects.filter(publication__author_id=user_id)
    # The replies' publications first: deleting a subject does not delete the publications
    # its messages own (they would stay in the moderators' queue).
    Publication.objects.filter(forum_message__subject__in=subjects).delete()
    Publication.objects.filter(forum_subject__in=subjects).delete()
    Publication.objects.filter(forum_message__publication__author_id=user_id).delete()
