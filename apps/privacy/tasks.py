"""The nightly retention run: a public-schema task queues one per live commune."""

from __future__ import annotations

import logging

from apps.privacy.retention import retention_enforce
from config.celery import app
from tenants.db import current_schema
from tenants.tasks import commune_task, for_each_live_commune

log = logging.getLogger(__name__)


@commune_task("privacy.enforce_retention")
def enforce_retention() -> dict[str, object]:
    deleted = retention_enforce()
    log.info("retention: %s", deleted)
    return {"schema": current_schema(), **deleted}


@app.task(name="privacy.enforce_retention_all_communes")
def enforce_retention_all_communes() -> list[str]:
    return for_each_live_commune(enforce_retention)
