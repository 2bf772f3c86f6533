"""Queueing a Celery task so that a broker outage loses nothing: ``queue_task``.

Every task is queued here, and this is where its schema is decided: a task runs in the
schema that is active when it is sent (tenant-schemas-celery writes it into the message's
header). ``queue_task`` sends from the caller's schema; ``queue_after_commit`` takes the
caller's schema now and sends from it once the transaction commits (the connection may have
moved to another schema by then, e.g. at the end of a ``schema_context``); the outbox's
flush sends each row from the schema it was kept with. No task is told its schema any other
way (``docs/architecture.md``).

``queue_task(task, *args, **kwargs)`` is ``task.delay(*args, **kwargs)`` when the broker
answers. When it does not (Redis down or restarting), the task is written to the outbox
table instead (``OutboxTask``, in the caller's transaction: if that rolls back, what the task
was about did not happen either), and ``outbox.flush`` — run by Celery beat every minute,
so as soon as the broker answers again — sends it and deletes its row. The page that asked
answers normally in both cases.

A row is deleted after its message was sent: a process dying between the two sends it twice.
Every task queued this way is idempotent (a request id, or a job's status), so twice is once.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.db import transaction
from django_tenants.utils import schema_context
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from apps.outbox.models import OutboxTask
from tenants.db import current_schema

log = logging.getLogger("ent.outbox")

# What publishing raises while the broker is out of reach.
BROKER_DOWN = (BrokerOperationalError, RedisConnectionError, RedisTimeoutError)
# Oldest first; a run stops at the first message the broker refuses again.
FLUSH_BATCH = 500


def queue_task(task: Task, /, *args: Any, **kwargs: Any) -> bool:
    """Queue ``task``; True if the broker took it now, False if it waits in the outbox."""
    try:
        task.delay(*args, **kwargs)
    except BROKER_DOWN as error:
        log.error("broker unreachable: %s kept in the outbox (%s)", task.name, error)
        OutboxTask.objects.create(
            task=task.name,
            args=list(args),
            kwargs=kwargs,
            schema_name=current_schema(),
            last_error=str(error)[:1000],
        )
        return False
    return True


def queue_after_commit(task: Task, /, *args: Any, **kwargs: Any) -> None:
    """Queue ``task`` once the transaction commits (nothing if it rolls back), in the schema
    active now, through the outbox: the request that changed something does not wait for the
    task, and a task never runs before what it is about is committed."""
    schema = current_schema()
    transaction.on_commit(lambda: _queue_in(schema, task, args, kwargs))


def _queue_in(schema: str, task: Task, args: Any, kwargs: dict[str, Any]) -> bool:
    with schema_context(schema):
        return queue_task(task, *args, **kwargs)


def outbox_flush(*, limit: int = FLUSH_BATCH) -> int:
    """Send the outbox's tasks, oldest first; the number sent. Two runs at once share the
    rows (each locked while it is sent, the other run skips it)."""
    from config.celery import app

    sent = 0
    for pk in list(OutboxTask.objects.values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            row = OutboxTask.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if row is None:
                continue
            task = app.tasks.get(row.task)
            if task is None:
                log.error("outbox: no task named %s (row %s kept)", row.task, row.pk)
                continue
            try:
                with schema_context(row.schema_name):
                    task.delay(*row.args, **row.kwargs)
            except BROKER_DOWN as error:
                row.attempts += 1
                row.last_error = str(error)[:1000]
                row.save(update_fields=["attempts", "last_error"])
                log.warning("outbox: broker still unreachable, %s left for the next run", row.task)
                return sent
            row.delete()
            sent += 1
    if sent:
        log.info("outbox: %d tasks sent", sent)
    return sent
