"""The Actor behind a request, computed once per request, for pages and the API alike."""

from __future__ import annotations

from typing import Any, TypeVar

from django.http import Http404, HttpRequest

from apps.accounts.models import User
from apps.accounts.permissions import Actor
from apps.accounts.selectors import actor_for

_ATTRIBUTE = "_ent_actor"

T = TypeVar("T")


def request_actor(request: Any) -> Actor:
    """The Actor of the authenticated user of ``request`` (a Django or a DRF request).

    DRF authenticates tokens on its own request object, so the user is read from the request
    given; the Actor is cached on the underlying Django request.
    """
    django_request: HttpRequest = getattr(request, "_request", request)
    actor = getattr(django_request, _ATTRIBUTE, None)
    user = request.user
    if actor is None or actor.id != user.pk:
        if not isinstance(user, User):
            raise Http404
        actor = actor_for(user)
        setattr(django_request, _ATTRIBUTE, actor)
    return actor


def found_or_404(thing: T | None) -> T:
    """Missing and forbidden look the same from outside."""
    if thing is None:
        raise Http404
    return thing
