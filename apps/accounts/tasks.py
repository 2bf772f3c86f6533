"""Nightly account lifecycle: deactivate the year's leavers, purge those kept long enough.

``lifecycle_all_communes`` runs in the public schema (Celery beat, see
``CELERY_BEAT_SCHEDULE``) and queues ``account_lifecycle`` once per live commune, inside
that commune's ``schema_context``: tenant-schemas-celery records the schema with the message
and the worker runs the task there. The template schema has no Commune row, and the
per-commune tasks refuse to run anywhere but in a commune's schema.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django_tenants.utils import get_public_schema_name, schema_context

from apps.accounts import lifecycle
from config.celery import app
from tenants.db import current_schema
from tenants.models import LIVE_STATUSES, Commune

log = logging.getLogger(__name__)


def _in_a_commune() -> bool:
    schema = current_schema()
    if schema in (get_public_schema_name(), settings.ENT_TEMPLATE_SCHEMA):
        log.error("account lifecycle task called outside a commune's schema: skipped")
        return False
    return True


@app.task(name="accounts.deactivate_leavers")
def deactivate_leavers() -> dict[str, Any]:
    """This commune's pupils who left at the end of the school year lose their access."""
    if not _in_a_commune():
        return {"schema": current_schema(), "skipped": True}
    result = lifecycle.leavers_deactivate()
    log.info("leavers deactivated: %d pupils, %d parents", result.pupils, result.parents)
    return {"schema": current_schema(), **asdict(result)}


@app.task(name="accounts.purge_leavers")
def purge_leavers() -> dict[str, Any]:
    """This commune's accounts that left more than ENT_LEAVER_RETENTION_DAYS ago are deleted."""
    if not _in_a_commune():
        return {"schema": current_schema(), "skipped": True}
    result = lifecycle.leavers_purge()
    log.info("leavers purged: %d accounts", result.accounts)
    return {"schema": current_schema(), **asdict(result)}


@app.task(name="accounts.account_lifecycle")
def account_lifecycle() -> dict[str, Any]:
    """Both steps for one commune, in order (queued by the nightly fan-out)."""
    return {
        "schema": current_schema(),
        "deactivated": deactivate_leavers(),
        "purged": purge_leavers(),
    }


def live_commune_schemas() -> list[str]:
    return list(
        Commune.objects.filter(status__in=LIVE_STATUSES)
        .exclude(schema_name__in=[get_public_schema_name(), settings.ENT_TEMPLATE_SCHEMA])
        .order_by("schema_name")
        .values_list("schema_name", flat=True)
    )


@app.task(name="accounts.lifecycle_all_communes")
def lifecycle_all_communes() -> list[str]:
    """Queue ``account_lifecycle`` in every live commune's schema; returns those schemas."""
    schemas = live_commune_schemas()
    for schema in schemas:
        with schema_context(schema):
            account_lifecycle.apply_async()
    log.info("account lifecycle queued for %d communes", len(schemas))
    return schemas
