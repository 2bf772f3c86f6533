"""``outbox.flush``: Celery beat runs it every minute, in the public schema."""

from __future__ import annotations

from apps.outbox.queue import outbox_flush
from config.celery import app


@app.task(name="outbox.flush")
def flush_outbox() -> int:
    return outbox_flush()
