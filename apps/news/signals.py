"""The news' writers' names (``author_name``) follow the kernel's rule
(``apps.publications.authors``). Only staff and the commune's administrator write news: an
erased writer's news stay, under « Ancien compte »."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from apps.accounts.models import User
from apps.accounts.signals import names_changed, person_erased
from apps.news.models import Banner, News
from apps.publications.authors import FORMER_ACCOUNT, authors_forgotten, authors_renamed


@receiver(names_changed, dispatch_uid="news_names_changed")
def _names_changed(sender: Any, user_ids: list[int], **kwargs: Any) -> None:
    authors_renamed([News], user_ids)
    # A banner names who set it (its own ``author``, no publication).
    for user in User.objects.filter(pk__in=user_ids).only("pk", "first_name", "last_name"):
        Banner.objects.filter(author_id=user.pk).update(author_name=user.display_name)


@receiver(person_erased, dispatch_uid="news_person_erased")
def _person_erased(sender: Any, user_id: int, family: bool, **kwargs: Any) -> None:
    authors_forgotten([News], user_id)
    Banner.objects.filter(author_id=user_id).update(author_name=FORMER_ACCOUNT)
