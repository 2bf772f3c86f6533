"""How a task finds its schema: declaring a per-commune task, and fanning one out.

There is one way (``docs/architecture.md``, "How a request and a task find their schema"): a
task runs in the schema that was active when it was queued, which tenant-schemas-celery
writes into the message's header; every task is queued through ``apps.outbox.queue``
(``queue_task``, ``queue_task_after_commit``), which makes sure that schema is the intended
one. A per-commune task is declared with ``commune_task``, which applies the one guard (not
the public schema, not the template) before its body runs. A nightly beat task runs in the
public schema and queues its per-commune task once per live commune
(``for_each_live_commune``).

No task is defined here: Celery's autodiscovery imports this module and finds none.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, Literal, Protocol

from django_tenants.utils import schema_context

from config.celery import app
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


class _Skipped:
    """What a guarded task returns by default outside a commune: ``{"schema", "skipped"}``."""


SKIPPED_DICT = _Skipped()


def commune_task(
    name: str, *, skipped: Any = SKIPPED_DICT, **options: Any
) -> Callable[[Callable[..., Any]], Any]:
    """Declare the Celery task ``name`` that runs in one commune's schema (the schema it was
    queued in). Outside a commune's schema (public, the template) its body does not run: the
    error is logged and the task returns ``skipped`` (by default ``{"schema": …, "skipped":
    True}``). ``options`` go to ``app.task`` (retries…)."""

    def declare(run: Callable[..., Any]) -> Any:
        @functools.wraps(run)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not in_commune_schema(name):
                if isinstance(skipped, _Skipped):
                    return {"schema": current_schema(), "skipped": True}
                return skipped
            return run(*args, **kwargs)

        return app.task(name=name, **options)(guarded)

    return declare


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
