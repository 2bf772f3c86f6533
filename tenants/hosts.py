"""Hosts and absolute URLs of the groupement and its communes, built in one place.

Inside a request, links to another host keep the scheme and port the visitor used (the
``Host`` header's port, not the server's socket, so that a proxy on 443 in front of a worker on
8000 yields no ``:8000``); outside one (commands, e-mails, tasks) they follow
``ENT_URL_SCHEME`` and ``ENT_URL_PORT``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest

if TYPE_CHECKING:
    from tenants.models import Commune


def groupement_host() -> str:
    return settings.ENT_BASE_DOMAIN


def commune_host(slug: str) -> str:
    return f"{slug}.{settings.ENT_BASE_DOMAIN}"


def absolute_url(host: str, path: str = "/", request: HttpRequest | None = None) -> str:
    scheme: str = settings.ENT_URL_SCHEME
    port: str = settings.ENT_URL_PORT
    if request is not None:
        scheme = request.scheme or scheme
        try:
            _name, colon, port = request.get_host().rpartition(":")
        except DisallowedHost:
            # The answer to a request for an unknown host (a bare IP address, say) still
            # links to the groupement: with the configured port, not the unknown host's.
            port = settings.ENT_URL_PORT
        else:
            # An IPv6 literal without a port ("[::1]") has colons but no port after "]".
            port = port if colon and port.isdigit() else ""
    return f"{scheme}://{host}{':' + port if port else ''}{path}"


def request_commune(request: HttpRequest) -> Commune | None:
    """The commune whose host the request came on, None on the groupement's base domain.

    ``tenants.middleware.CommuneRoutingMiddleware`` sets it on every routed request; a request
    it did not route (a test's RequestFactory, the health check) has none. The one reading of
    it: views, permissions and templates ask here (or ``apps.accounts.context.Caller``)."""
    commune: Commune | None = getattr(request, "commune", None)
    return commune


def on_groupement_host(request: HttpRequest) -> bool:
    """Whether the request came on the groupement's base domain (no commune's host)."""
    return request_commune(request) is None
