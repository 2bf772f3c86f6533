"""The daily e-mail digest: ``digests_all_communes`` (public schema, Celery beat) queues
``send_digests`` in every live commune's schema; the template schema has no Commune row and
the per-commune task refuses to run outside a commune's schema."""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django_tenants.utils import get_public_schema_name, schema_context

from apps.accounts.tasks import live_commune_schemas
from apps.notifications.services import digests_send
from config.celery import app
from tenants.db import current_schema

log = logging.getLogger(__name__)


def in_a_commune(task: str) -> bool:
    if current_schema() in (get_public_schema_name(), settings.ENT_TEMPLATE_SCHEMA):
        log.error("%s called outside a commune's schema: skipped", task)
        return False
    return True


@app.task(name="notifications.send_digests")
def send_digests() -> dict[str, Any]:
    if not in_a_commune("send_digests"):
        return {"schema": current_schema(), "skipped": True}
    result = digests_send()
    log.info("digests sent: %d (%d notifications)", result.sent, result.notifications)
    return {"schema": current_schema(), **asdict(result)}


@app.task(name="notifications.digests_all_communes")
def digests_all_communes() -> list[str]:
    schemas = live_commune_schemas()
    for schema in schemas:
        with schema_context(schema):
            send_digests.apply_async()
    log.info("digests queued for %d communes", len(schemas))
    return schemas
