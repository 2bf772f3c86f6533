"""`migrate` is `migrate_schemas` here, as in django-tenants (test databases use it too)."""

from provisioning.management.commands.migrate_schemas import Command as MigrateSchemas

Command = MigrateSchemas
