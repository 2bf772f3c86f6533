"""Host → commune resolution, cached in each process and invalidated by a version stamp."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name, schema_context

from tenants.hosts import groupement_host
from tenants.models import Commune, Domain, RoutingVersion

_MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class Route:
    """What a host resolves to. ``commune`` is None for the groupement's own site."""

    commune: Commune | None
    is_public: bool = False


PUBLIC_ROUTE = Route(commune=None, is_public=True)
NOT_FOUND = Route(commune=None)


class HostCache:
    """Per-process map of host → Route, dropped as a whole when the stamp moves.

    Bounded: past _MAX_ENTRIES the oldest entry goes (unknown hosts are cached too, so that
    a scan of random subdomains costs one lookup each, not one per request).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._routes: dict[str, Route] = {}
        self._version: int | None = None
        self._checked_at = 0.0

    def clear(self) -> None:
        with self._lock:
            self._routes.clear()
            self._version = None
            self._checked_at = 0.0

    def _refresh_stamp(self) -> None:
        now = time.monotonic()
        fresh = now - self._checked_at < settings.ENT_ROUTING_STAMP_SECONDS
        if self._version is not None and fresh:
            return
        version = current_version()
        with self._lock:
            if version != self._version:
                self._routes.clear()
                self._version = version
            self._checked_at = now

    def resolve(self, hostname: str) -> Route:
        self._refresh_stamp()
        # A dict read is atomic under the GIL: the hot path takes no lock.
        route = self._routes.get(hostname)
        if route is not None:
            return route
        route = _lookup(hostname)
        with self._lock:
            self._routes[hostname] = route
            if len(self._routes) > _MAX_ENTRIES:
                del self._routes[next(iter(self._routes))]
        return route


def _lookup(hostname: str) -> Route:
    if hostname == groupement_host():
        return PUBLIC_ROUTE
    # Domains live in the public schema, whatever schema the connection is on.
    with schema_context(get_public_schema_name()):
        domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    if domain is None:
        return NOT_FOUND
    return Route(commune=domain.tenant)


def _stamp_table() -> str:
    # Qualified, so that reading or bumping the stamp never depends on the current schema.
    return f'"{settings.PUBLIC_SCHEMA_NAME}"."{RoutingVersion._meta.db_table}"'


def current_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {_stamp_table()} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _bump_now() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_stamp_table()} AS stamp (id, version) VALUES (1, 1) "  # noqa: S608
            "ON CONFLICT (id) DO UPDATE SET version = stamp.version + 1"
        )
    host_cache.clear()


def bump_version() -> None:
    """Move the stamp once the current transaction commits (readers then see the change).

    Registered at most once per transaction (provisioning saves several rows), unless the
    earlier registration sits in a savepoint that may still roll back without us.
    """
    if connection.in_atomic_block:
        current = set(connection.savepoint_ids)
        # Django 5 stores (savepoint ids, function, robust); django-stubs still says pairs.
        for sids, func, _robust in connection.run_on_commit:  # type: ignore[misc]
            if func is _bump_now and sids <= current:
                return
    transaction.on_commit(_bump_now)


host_cache = HostCache()
