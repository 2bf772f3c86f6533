"""django-tenants' PostgreSQL backend, minus a round trip per request.

django-tenants forgets the connection's search_path on every ``set_tenant`` call, so each
request on a persistent connection pays a ``SET search_path`` even when the schema did not
change. We keep the one already set when the new tenant needs the very same path.
"""

from __future__ import annotations

from typing import Any

from django_tenants.postgresql_backend import base as tenant_base


class DatabaseWrapper(tenant_base.DatabaseWrapper):
    def set_tenant(self, tenant: Any, include_public: bool = True) -> None:
        previous_schema = self.schema_name
        previous_paths = self.search_path_set_schemas
        if tenant.schema_name == previous_schema and include_public == self.include_public_schema:
            # Same schema: only the tenant object changes; the path on the server stays valid
            # and so do the content types cached for this schema.
            self.tenant = tenant
            return
        super().set_tenant(tenant, include_public)
        if previous_paths is not None and self._get_cursor_search_paths() == previous_paths:
            self.search_path_set_schemas = previous_paths
