"""What provisioning copies: the template schema, captured as one SQL script."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class TemplateSnapshot(models.Model):
    """The DDL and seed rows of the migrated template schema, refreshed by migrate_schemas.

    ``migrations`` lists the (app, name) pairs recorded in the template's
    ``django_migrations`` when the snapshot was taken; provisioning compares it with the
    migration files on disk and refuses a template that lags behind them.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    schema_name = models.CharField(max_length=63)
    # The schema's SQL script, cut wherever the schema is named (see template.compile_script).
    sql_parts = models.JSONField(default=list)
    migrations = models.JSONField(default=list)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "instantané du schéma modèle"

    def __str__(self) -> str:
        return f"{self.schema_name} @ {self.fingerprint[:12]}"
