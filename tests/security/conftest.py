"""The login side's rate-limit counters live in the cache (Redis in ``make test``): every
test starts with none, and their windows never end during a test (frozen clock).

Celery tasks queued by the pages (the password-reset mail) run in the request here, as
without Redis: these tests are about what the task does, ``tests/test_celery.py`` about
queueing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from apps.accounts.security import ratelimit
from config.celery import app

# Early in a 10-, 15- and 60-minute window alike.
FROZEN_NOW = 1_800_000_000.0 + 5.0


@pytest.fixture(autouse=True)
def _fresh_rate_limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(ratelimit, "now", lambda: FROZEN_NOW)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _celery_in_process() -> Iterator[None]:
    previous = {key: app.conf.get(key) for key in ("task_always_eager", "task_eager_propagates")}
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    app.conf.update(**previous)
