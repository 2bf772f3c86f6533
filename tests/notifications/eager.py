"""Run the notification delivery tasks in the test's process (``from ... import
celery_eager``): the tests set REDIS_URL, so Celery would otherwise send them to a broker no
worker of this run listens to. Eager tasks run in the test's transaction and schema."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from config.celery import app


@pytest.fixture
def celery_eager() -> Iterator[None]:
    keys = ("task_always_eager", "task_eager_propagates")
    previous = {key: app.conf.get(key) for key in keys}
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    app.conf.update(**previous)
