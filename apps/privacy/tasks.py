"""The nightly retention run: a public-schema task queues one per live commune."""

from __future__ import annotations

import logging

from django.conf import settings
from django_tenants.utils import get_public_schema_name, schema_context

from apps.accounts.tasks import live_commune_schemas
from apps.privacy.retention import retention_enforce
from config.celery import app
from tenants.db import current_schema

log = logging.getLogger(__name__)


@app.task(name="privacy.enforce_retention")
def enforce_retention() -> dict[str, object]:
    schema = current_schema()
    if schema in (get_public_schema_name(), settings.ENT_TEMPLATE_SCHEMA):
        log.error("retention task called outside a commune's schema: skipped")
        return {"schema": schema, "skipped": True}
    deleted = retention_enforce()
    log.info("retention: %s", deleted)
    return {"schema": schema, **deleted}


@app.task(name="privacy.enforce_retention_all_communes")
def enforce_retention_all_communes() -> list[str]:
    schemas = live_commune_schemas()
    for schema in schemas:
        with schema_context(schema):
            enforce_retention.apply_async()
    return schemas
