"""django-tenants' PostgreSQL backend, minus a round trip per request.

django-tenants forgets the connection's search_path on every ``set_tenant`` call, so each
request on a persistent connection pays a ``SET search_path`` even when the path on the
server is already the right one: routing switches to public (to resolve the host) and then
to the commune, every request. We remember the path last set on the server session
(``_server_search_path``) across any number of switches, and skip the ``SET`` when the path
the next cursor needs is that one. It is forgotten whenever django-tenants forgets its own
(close, rollback, rollback to a savepoint, a failed ``SET``), since the server may then have
dropped it.

With the connection pool (config/settings/env.py) a server session outlives the request: the
connection handed back to the pool keeps the search_path its last request set, a commune's
schema perhaps, and the next request to take it may be another commune's. So what this
wrapper knows never outlives its connection either: whatever connection ``connect`` obtains,
new or from the pool, its path is unknown until this wrapper sets it.
"""

from __future__ import annotations

from typing import Any

from django_tenants.postgresql_backend import base as tenant_base
from django_tenants.utils import get_limit_set_calls


class DatabaseWrapper(tenant_base.DatabaseWrapper):
    search_path_set_schemas: list[str] | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The search_path in effect on the server session, when known; None if unknown.
        self._server_search_path: list[str] | None = None
        super().__init__(*args, **kwargs)

    def set_tenant(self, tenant: Any, include_public: bool = True) -> None:
        if tenant.schema_name == self.schema_name and include_public == self.include_public_schema:
            # Same schema: only the tenant object changes; the path on the server stays valid
            # and so do the content types cached for this schema.
            self.tenant = tenant
            return
        super().set_tenant(tenant, include_public)

    def _handle_search_path(self, cursor: Any = None) -> None:
        if self._setting_search_path:
            return
        if (
            self.search_path_set_schemas is None
            and self._server_search_path is not None
            and self.schema_name
            and get_limit_set_calls()
            and self._get_cursor_search_paths() == self._server_search_path
        ):
            # Switched away and back (e.g. public to resolve the host, then this commune
            # again): the server still has the path this schema needs.
            self.search_path_set_schemas = self._server_search_path
            return
        super()._handle_search_path(cursor)
        # Set (or confirmed) on the server, or None when the SET failed and the path there is
        # unknown.
        self._server_search_path = self.search_path_set_schemas

    def connect(self) -> None:
        # Also when the previous connection went away without ``close`` (a test, a driver
        # error): the one obtained now may carry another request's search_path.
        self.search_path_set_schemas = None
        self._server_search_path = None
        super().connect()

    def close(self) -> None:
        self._server_search_path = None
        super().close()

    def rollback(self) -> None:
        # A SET inside the rolled back transaction is undone on the server.
        self._server_search_path = None
        super().rollback()

    def savepoint_rollback(self, sid: Any) -> None:
        try:
            super().savepoint_rollback(sid)
        finally:
            self._server_search_path = None
