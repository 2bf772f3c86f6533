"""The writer's name every feature keeps beside what a person wrote (``author_name``, the
name as it was written, shown without a query per row), and the one rule for it:

* a rename writes it again (``apps.accounts.signals.names_changed``): ``authors_renamed``;
* an erasure (``apps.accounts.signals.person_erased``) forgets it: what a pupil or a parent
  wrote is theirs and goes with the account (each feature deletes it, with what hangs on it),
  what a member of staff wrote stays for the class under ``FORMER_ACCOUNT``
  (``authors_forgotten``).

A feature's receivers call these with its models (each a model with ``publication`` and
``author_name``); the kernel names no feature."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model

from apps.accounts.models import User

FORMER_ACCOUNT = "Ancien compte"


def authors_renamed(models: Iterable[type[Model]], user_ids: Iterable[int]) -> None:
    chosen = list(models)
    for user in User.objects.filter(pk__in=list(user_ids)).only("pk", "first_name", "last_name"):
        for model in chosen:
            model._default_manager.filter(publication__author_id=user.pk).update(
                author_name=user.display_name
            )


def authors_forgotten(models: Iterable[type[Model]], user_id: int) -> None:
    for model in models:
        model._default_manager.filter(publication__author_id=user_id).update(
            author_name=FORMER_ACCOUNT
        )
