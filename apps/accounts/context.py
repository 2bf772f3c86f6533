"""The caller of a request: who asks (the account and its Actor) and on which host.

Views and API classes read the caller here, once, and hand its Actor to the selectors and
services they call; a service never rebuilds the Actor from a ``User`` (each rebuild is the
five relationship queries of ``apps.accounts.selectors.actors_for``).

The caller is computed on first use and kept on the Django request, so that the page, the
API class (a DRF request wraps the Django one, which keeps the cache) and every helper they
call share one Actor. Its relations are read on first use of ``actor`` only: a page that
needs the account alone costs nothing more.

Which schema answers is part of the caller: the request's commune comes from its host
(``tenants.middleware.CommuneRoutingMiddleware``), and the groupement's roles (the
coordinator) exist in the public schema only. A commune account given the coordinator
profile is still a commune account, and ``is_coordinator`` says no for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from django.http import Http404, HttpRequest
from django_tenants.utils import get_public_schema_name

from apps.accounts.models import User
from apps.accounts.permissions import Actor
from apps.accounts.selectors import REQUEST_ACTOR_ATTRIBUTE, actor_for, profile_actor
from tenants.db import current_schema
from tenants.hosts import request_commune
from tenants.permissions import is_coordinator

if TYPE_CHECKING:
    from tenants.models import Commune

_ATTRIBUTE = "_ent_caller"

T = TypeVar("T")


@dataclass(frozen=True)
class Caller:
    """The authenticated account of a request, its commune (None on the groupement's base
    domain) and the schema the request runs in."""

    user: User
    commune: Commune | None
    schema: str

    @property
    def in_public_schema(self) -> bool:
        return self.schema == get_public_schema_name()

    @cached_property
    def actor(self) -> Actor:
        """The account and its relations, read once for the whole request. The public
        schema has no schools: there the Actor is the profile alone."""
        actor = profile_actor(self.user) if self.in_public_schema else actor_for(self.user)
        setattr(self.user, REQUEST_ACTOR_ATTRIBUTE, actor)
        return actor

    @property
    def is_coordinator(self) -> bool:
        """A coordinator of the groupement: the profile, held by an account of the public
        schema asking on the base domain. The same profile in a commune's schema is no
        coordinator's (the groupement's accounts live in the public schema only)."""
        return self.commune is None and is_coordinator(self.user)


def caller(request: Any) -> Caller:
    """The caller of ``request`` (a Django or a DRF request); 404 for an anonymous one.

    DRF authenticates tokens on its own request object, so the user is read from the request
    given; the caller is kept on the underlying Django request, and computed again only if
    the request's account changed (a login in the middle of the request).
    """
    django_request: HttpRequest = getattr(request, "_request", request)
    user = request.user
    if not isinstance(user, User):
        raise Http404
    known: Caller | None = getattr(django_request, _ATTRIBUTE, None)
    if known is None or known.user.pk != user.pk:
        known = Caller(user=user, commune=request_commune(django_request), schema=current_schema())
        setattr(django_request, _ATTRIBUTE, known)
    return known


def request_actor(request: Any) -> Actor:
    """The Actor of the caller of ``request``: ``caller(request).actor``."""
    return caller(request).actor


def active_caller(request: Any) -> Caller:
    """The caller, if their account may still act (not blocked, not departed); else 404."""
    found = caller(request)
    if not found.actor.active:
        raise Http404
    return found


def found_or_404(thing: T | None) -> T:
    """Missing and forbidden look the same from outside."""
    if thing is None:
        raise Http404
    return thing


def commune_or_404(request: Any) -> Commune:
    """The commune whose host the request came on; 404 on the groupement's base domain."""
    django_request: HttpRequest = getattr(request, "_request", request)
    commune = request_commune(django_request)
    if commune is None:
        raise Http404
    return commune
