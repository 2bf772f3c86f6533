"""The nightly retention run: a public-schema task queues one per live commune."""

from __future__ import annotations

import logging

from apps.privacy.retention import retention_enforce
from config.celery import app
from tenants.db import current_schema
from tenants.tasks import for_each_live_commune, in_commune_schema

log = logging.getLogger(__name__)


@app.task(name="privacy.enforce_retention")
def enforce_retention() -> dict[str, object]:
    schema = current_schema()
    if not in_commune_schema("enforce_retention"):
        return {"schema": schema, "skipped": True}
    deleted = retention_enforce()
    log.info("retention: %s", deleted)
    return {"schema": schema, **deleted}


@app.task(name="privacy.enforce_retention_all_communes")
def enforce_retention_all_communes() -> list[str]:
    return for_each_live_commune(enforce_retention)
