"""The messagerie's tasks: telling recipients and referents (after the sender's request has
committed), delivering the messages held by quiet hours when their slot opens (Celery beat,
every live commune). The purges (trash after 30 days, messages past the commune's retention) are
retention rules of ``apps.privacy.retention``."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from apps.messaging import notifications, services
from apps.quiethours import clock
from config.celery import app
from tenants.db import current_schema
from tenants.tasks import commune_task, for_each_live_commune

log = logging.getLogger(__name__)


@commune_task("messaging.notify_delivered", skipped=0)
def notify_delivered(message_id: int) -> int:
    return len(notifications.notify_delivered(message_id))


@commune_task("messaging.notify_referents", skipped=0)
def notify_referents(message_id: int, what: str) -> int:
    return len(notifications.notify_referents(message_id, what))


@commune_task("messaging.release_scheduled")
def release_scheduled(now: str | None = None) -> dict[str, Any]:
    """``now`` (ISO 8601): the beat run's moment, so that a late worker delivers what was due
    then and a test's frozen moment reaches a worker in another process."""
    moment = datetime.datetime.fromisoformat(now) if now else clock.now()
    delivered = services.release_due(moment)
    if delivered:
        log.info("scheduled messages delivered: %d", len(delivered))
    return {"schema": current_schema(), "delivered": delivered}


@app.task(name="messaging.release_all_communes")
def release_all_communes(now: str | None = None) -> list[str]:
    return for_each_live_commune(release_scheduled, now or clock.now().isoformat())
