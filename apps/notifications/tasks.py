"""The daily e-mail digest: ``digests_all_communes`` (public schema, Celery beat) queues
``send_digests`` in every live commune's schema; the template schema has no Commune row and
the per-commune task refuses to run outside a commune's schema.

The features deliver their own notifications in their own tasks (``apps.liaison.tasks``,
``apps.homework.tasks``), through ``apps.notifications.services.notify``."""

from __future__ import annotations

import datetime
import logging
from dataclasses import asdict
from typing import Any

from apps.notifications.services import digests_send, release_due
from apps.quiethours import clock
from config.celery import app
from tenants.db import current_schema
from tenants.tasks import commune_task, for_each_live_commune

log = logging.getLogger(__name__)


@commune_task("notifications.send_digests")
def send_digests() -> dict[str, Any]:
    result = digests_send()
    log.info("digests sent: %d (%d notifications)", result.sent, result.notifications)
    return {"schema": current_schema(), **asdict(result)}


@app.task(name="notifications.digests_all_communes")
def digests_all_communes() -> list[str]:
    return for_each_live_commune(send_digests)


# --- quiet hours: held notifications delivered once their slot opens ------------------------


@commune_task("notifications.release_held")
def release_held(now: str | None = None) -> dict[str, Any]:
    """This commune's held notifications whose time has come, delivered once. ``now`` (ISO
    8601) is the beat run's moment, so that a late worker delivers what was due then and no
    more, and a test's frozen moment reaches a worker in another process."""
    moment = datetime.datetime.fromisoformat(now) if now else clock.now()
    released = release_due(moment)
    if released:
        log.info("held notifications delivered: %d", len(released))
    return {"schema": current_schema(), "released": released}


@app.task(name="notifications.release_all_communes")
def release_all_communes(now: str | None = None) -> list[str]:
    return for_each_live_commune(release_held, now or clock.now().isoformat())
