"""Who acts for the groupement: its coordinators, on the base domain. One rule, one answer.

The groupement's pages (billing, usage invoicing, the dashboard and its API) exist only for a
coordinator of the public schema. To anyone else they do not exist: a 404, the same on the
base domain and on a commune's host, so that nobody learns which groupement pages there are.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest
from django_tenants.utils import get_public_schema_name

from apps.accounts.models import Profile, User
from tenants.db import current_schema
from tenants.hosts import on_groupement_host


def is_coordinator(user: User | AnonymousUser | None) -> bool:
    """Whether ``user`` is a coordinator of the groupement (the second factor is checked apart).

    The answer is the schema's as much as the profile's: the groupement's accounts live in the
    public schema, so the coordinator profile held by an account of a commune's schema (asked
    while that schema is the connection's) makes no coordinator.
    """
    return bool(
        user is not None
        and user.is_authenticated
        and getattr(user, "profile", None) == Profile.COORDINATOR
        and current_schema() == get_public_schema_name()
    )


def coordinator_required(request: HttpRequest) -> None:
    """A 404 unless a coordinator asks on the base domain (the public schema).

    A commune account given the coordinator profile is still a commune account: on a
    commune's host (``CommuneRoutingMiddleware`` sets ``request.commune``) the groupement's
    pages do not exist, whoever asks.
    """
    if not on_groupement_host(request) or current_schema() != get_public_schema_name():
        raise Http404("Page introuvable.")
    if not is_coordinator(request.user):
        raise Http404("Page introuvable.")
