"""The commune of a WebSocket connection, resolved as HTTP resolves a page's.

django-tenants routes HTTP requests only. This ASGI middleware reads the Host header of a
WebSocket handshake, resolves it through the same per-process host cache as
``tenants.middleware.CommuneRoutingMiddleware`` (one resolution path for both), and refuses the
handshake (HTTP 403, nothing accepted) for:

* a host Django's ``ALLOWED_HOSTS`` refuses, an unknown host, the groupement's own site;
* a commune that is not live (suspended, archived);
* an ``Origin`` other than the page's own host: a page of another site must not open a socket
  with the visitor's cookie (cross-site WebSocket hijacking);
* a session that is not a live account of that commune: the session is read from the commune's
  own store, which treats a cookie of another commune as anonymous
  (``apps.accounts.security.sessions``), and every connection needs an account.

The scope then carries ``commune`` (the ``Commune``), ``schema``, ``user`` and ``session_key``
(a consumer checks the session again before it shows anything new); the consumer's
database calls run in that schema (``apps.live.commune``).
"""

from __future__ import annotations

import logging
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django_tenants.utils import remove_www

from apps.accounts.security.sessions import session_user
from apps.live.commune import in_commune, in_public
from tenants.routing import host_cache

security_log = logging.getLogger("ent.security")

Scope = dict[str, Any]


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return ""


def _session_key(scope: Scope) -> str:
    cookie = SimpleCookie()
    try:
        cookie.load(_header(scope, b"cookie"))
    except CookieError:  # a malformed Cookie header: no session, as for a page
        return ""
    morsel = cookie.get(settings.SESSION_COOKIE_NAME)
    return morsel.value if morsel else ""


def same_origin(host: str, origin: str) -> bool:
    """Does the handshake's ``Origin`` name the host it was sent to (scheme aside)?"""
    if not origin:
        return False
    return urlsplit(origin).netloc.lower() == host.lower()


class CommuneWebSocketMiddleware:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "websocket":
            await self.inner(scope, receive, send)
            return
        routed = await self._route(scope)
        if routed is None:
            await self._refuse(receive, send)
            return
        await self.inner(routed, receive, send)

    async def _route(self, scope: Scope) -> Scope | None:
        host = _header(scope, b"host")
        domain, _port = split_domain_port(host)
        if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
            return None
        if not same_origin(host, _header(scope, b"origin")):
            security_log.warning(
                "WebSocket handshake from another origin refused",
                extra={"event": "websocket_cross_origin"},
            )
            return None
        route = await in_public(host_cache.resolve, remove_www(domain).lower())
        commune = route.commune
        if commune is None or not commune.is_live:
            return None
        key = _session_key(scope)
        user = await in_commune(commune, session_user, key)
        if user is None:
            return None
        return {
            **scope,
            "commune": commune,
            "schema": commune.schema_name,
            "user": user,
            "session_key": key,
        }

    @staticmethod
    async def _refuse(receive: Any, send: Any) -> None:
        message = await receive()
        if message["type"] == "websocket.connect":
            # Closing before accepting: the server answers the handshake with 403.
            await send({"type": "websocket.close", "code": 4403})
