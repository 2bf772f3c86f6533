"""The daily e-mail digest: ``digests_all_communes`` (public schema, Celery beat) queues
``send_digests`` in every live commune's schema; the template schema has no Commune row and
the per-commune task refuses to run outside a commune's schema.

The features deliver their own notifications in their own tasks (``apps.liaison.tasks``,
``apps.homework.tasks``), through ``apps.notifications.services.notify``."""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from apps.notifications.services import digests_send
from config.celery import app
from tenants.db import current_schema
from tenants.tasks import for_each_live_commune, in_commune_schema

log = logging.getLogger(__name__)


@app.task(name="notifications.send_digests")
def send_digests() -> dict[str, Any]:
    if not in_commune_schema("send_digests"):
        return {"schema": current_schema(), "skipped": True}
    result = digests_send()
    log.info("digests sent: %d (%d notifications)", result.sent, result.notifications)
    return {"schema": current_schema(), **asdict(result)}


@app.task(name="notifications.digests_all_communes")
def digests_all_communes() -> list[str]:
    return for_each_live_commune(send_digests)
