"""Who may see which commune's billing.

A scope is built from the request's host, never from the user's profile alone: the host is
what says which schema the account belongs to. There is one constructor per kind of host:

* ``groupement_scope``, base domain only: every commune, for the public schema's verified
  coordinators;
* ``commune_scope``, a commune's subdomain only: that commune and no other, for its
  administrator (a commune account given the coordinator profile is still a commune account,
  and no coordinator: the profile belongs to the public schema, so it reads no billing);
* ``host_scope`` picks between the two by the host alone, for pages both audiences share.

A view never chooses by the profile, so it cannot pick the wider scope by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from apps.accounts.models import Profile
from apps.accounts.security.two_factor import is_verified
from tenants.hosts import request_commune
from tenants.models import Commune
from tenants.permissions import coordinator_required


@dataclass(frozen=True)
class BillingScope:
    """The communes whose billing a user may read; ``commune_ids=None`` means every commune.

    Only the constructors below build one, so a selector's scope always comes from a request.
    """

    commune_ids: frozenset[int] | None
    _token: object

    @property
    def is_groupement_wide(self) -> bool:
        return self.commune_ids is None


_TOKEN = object()

# The profiles that read a commune's billing on its own host (read-only). Not the coordinator:
# that profile is the public schema's, and in a commune's schema it is nobody's.
_COMMUNE_BILLING_PROFILES = frozenset({Profile.COMMUNE_ADMIN})


def _host_commune(request: HttpRequest) -> Commune | None:
    """The commune whose subdomain the request came on (``CommuneRoutingMiddleware``); None on
    the base domain."""
    return request_commune(request)


def _require_second_factor(request: HttpRequest) -> None:
    # ``AccountSecurityMiddleware`` already sends an unverified session to its code; checking
    # here keeps that true should a view ever be reached another way.
    if not is_verified(request.user):
        raise PermissionDenied("Double authentification requise.")


def groupement_scope(request: HttpRequest) -> BillingScope:
    """Every commune, for a verified coordinator on the base domain.

    On a commune's host the groupement's pages do not exist (404), whoever asks: only the
    public schema's accounts act for the groupement. Anyone but a coordinator gets the same
    404 (``tenants.permissions.coordinator_required``, as the dashboard).
    """
    coordinator_required(request)
    _require_second_factor(request)
    return BillingScope(commune_ids=None, _token=_TOKEN)


def commune_scope(request: HttpRequest) -> BillingScope:
    """The host's commune and no other, for its verified administrator.

    The commune comes from the host, never from the caller; on the base domain there is no
    commune page (404).
    """
    commune = _host_commune(request)
    if commune is None:
        raise Http404("Page introuvable.")
    user = request.user
    if not (user.is_authenticated and getattr(user, "profile", None) in _COMMUNE_BILLING_PROFILES):
        raise PermissionDenied("Accès à la facturation refusé.")
    _require_second_factor(request)
    return BillingScope(commune_ids=frozenset({commune.pk}), _token=_TOKEN)


def host_scope(request: HttpRequest) -> BillingScope:
    """The scope of whoever asks, by the host: every commune on the base domain (coordinators),
    the host's commune on a commune's subdomain."""
    if _host_commune(request) is None:
        return groupement_scope(request)
    return commune_scope(request)
