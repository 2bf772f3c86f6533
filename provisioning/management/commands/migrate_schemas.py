"""migrate_schemas: the public schema, the template and every commune, then a fresh snapshot.

django-tenants migrates the public schema and the schemas of Commune rows; the template
has no Commune row (it must never be listed or billed), so we migrate it here too and
capture it again for provisioning.
"""

from __future__ import annotations

from typing import Any

from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
from django_tenants.migration_executors import get_executor

from provisioning.template import ensure_template_schema, refresh_snapshot, template_schema
from tenants.db import use_public_schema


class Command(MigrateSchemasCommand):
    def handle(self, *args: Any, **options: Any) -> None:
        super().handle(*args, **options)
        if options.get("plan") or options.get("check_unapplied"):
            return
        target_schema = self.schema_name
        if not self.sync_tenant:
            return
        if target_schema and target_schema not in (template_schema(), self.PUBLIC_SCHEMA_NAME):
            return
        use_public_schema()
        ensure_template_schema()
        if target_schema != template_schema():
            executor = get_executor(codename=self.executor)(self.args, self.options)
            executor.run_migrations(tenants=[template_schema()])
        use_public_schema()
        snapshot = refresh_snapshot()
        if int(options.get("verbosity", 1)) >= 1:
            size_kib = sum(map(len, snapshot.sql_parts)) // 1024
            self.stdout.write(
                f"Schéma modèle {snapshot.schema_name} capturé "
                f"({len(snapshot.migrations)} migrations, {size_kib} Kio)."
            )
