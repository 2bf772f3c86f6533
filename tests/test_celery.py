"""Celery tasks run in the schema of the commune that queued them, on a real worker + Redis."""

from __future__ import annotations

import logging
import threading

import pytest
from django_tenants.utils import schema_context

from config.celery import app
from config.logging import SchemaFilter
from tenants.db import current_schema

seen: list[str] = []
done = threading.Event()
task_log = logging.getLogger("ent.tests.celery")


@app.task(name="tests.record_schema")
def record_schema() -> None:
    task_log.warning("running in the commune's schema")
    seen.append(current_schema())
    done.set()


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_in_a_commune_runs_and_logs_in_that_schema(redis_worker):
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Collect()
    handler.addFilter(SchemaFilter())
    handler.setFormatter(logging.Formatter("[%(schema_name)s] %(message)s"))
    task_log.addHandler(handler)
    seen.clear()
    done.clear()
    try:
        with schema_context("pessac"):
            record_schema.delay()
        assert done.wait(timeout=60), "the worker did not run the task"
    finally:
        task_log.removeHandler(handler)

    assert seen == ["pessac"]
    assert "[pessac] running in the commune's schema" in lines
