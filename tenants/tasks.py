"""Fanning a task out to every live commune, and the guard of per-commune tasks.

A nightly beat task runs in the public schema and queues one task per live commune
(``for_each_live_commune``), inside that commune's ``schema_context``: tenant-schemas-celery
records the schema with the message and the worker runs the task there. The template schema
has no ``Commune`` row, so it is never visited; a per-commune task still checks where it
runs (``in_commune_schema``) and does nothing outside a commune's schema.

No task is defined here: Celery's autodiscovery imports this module and finds none.
"""

from __future__ import annotations

import logging
from typing import Any, Literal, Protocol

from django_tenants.utils import schema_context

from tenants.db import current_schema
from tenants.selectors import is_commune_schema, live_communes

log = logging.getLogger(__name__)


class Queueable(Protocol):
    name: str | None

    def delay(self, *args: Any, **kwargs: Any) -> Any: ...


def in_commune_schema(task: str) -> bool:
    """Whether the connection is on a commune's schema; if not, the error is logged for
    ``task`` and the caller returns without doing anything."""
    if not is_commune_schema(current_schema()):
        log.error("%s called outside a commune's schema: skipped", task)
        return False
    return True


def for_each_live_commune(
    task: Queueable, *args: Any, run_in: Literal["commune", "public"] = "commune"
) -> list[str]:
    """Queue ``task`` once per live commune; returns their schema names, in order.

    ``run_in="commune"`` (the default): the task runs in the commune's schema, with ``args``.
    ``run_in="public"``: it runs in the public schema, with the commune's id before ``args``
    (the class counts, which write a public snapshot and read the commune's schema through
    one schema-qualified query).
    """
    # Through the outbox: a broker that fails halfway through the night loses no commune's
    # task (the rest wait in the outbox and go once it answers again). Imported here because
    # the outbox's model needs the app registry, which modules importing this one may not
    # have yet.
    from apps.outbox.queue import queue_task

    communes = list(live_communes())
    for commune in communes:
        if run_in == "public":
            queue_task(task, commune.pk, *args)
        else:
            with schema_context(commune.schema_name):
                queue_task(task, *args)
    log.info("%s queued for %d communes", task.name, len(communes))
    return [commune.schema_name for commune in communes]
