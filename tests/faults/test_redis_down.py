"""Redis down: pages keep serving (sessions are in the database, the cache answers as a miss)
and a task queued meanwhile waits in the outbox until the broker is back, then is sent."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.core.cache import cache
from django_tenants.utils import schema_context

from apps.outbox.models import OutboxTask
from apps.outbox.queue import outbox_flush
from config.celery import app
from tests.faults.conftest import RedisServer
from tests.security.helpers import make_user


@pytest.fixture
def private_cache(redis_server: RedisServer, settings: Any) -> RedisServer:
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "BACKEND": "config.cache.DegradingRedisCache",
            "LOCATION": redis_server.url,
            # Tried again at once after a failure: the test need not wait for Redis's return.
            "OPTIONS": {"DOWN_RETRY_SECONDS": 0},
        }
    }
    return redis_server


def _reset_broker_connections() -> None:
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def private_broker(redis_server: RedisServer) -> Iterator[str]:
    """Celery publishes to the private Redis, on a queue of this test's own."""
    queue = f"ent-faults-{uuid.uuid4().hex}"
    keys = ("broker_url", "task_always_eager", "task_default_queue")
    previous = {key: app.conf.get(key) for key in keys}
    app.conf.update(broker_url=redis_server.url, task_always_eager=False, task_default_queue=queue)
    for cached in ("queues", "default_queue", "router"):
        app.amqp.__dict__.pop(cached, None)
    _reset_broker_connections()
    try:
        yield queue
    finally:
        app.conf.update(**previous)
        for cached in ("queues", "default_queue", "router"):
            app.amqp.__dict__.pop(cached, None)
        _reset_broker_connections()


def test_pages_and_sessions_keep_working_while_redis_is_down(
    bordeaux, as_user, tenant_client, private_cache
):
    teacher = as_user(bordeaux, "t1")
    assert teacher.get("/").status_code == 200
    cache.set("probe", "ok")
    assert cache.get("probe") == "ok"

    private_cache.stop()

    home = teacher.get("/")
    assert home.status_code == 200  # still logged in: the session is in the database
    assert teacher.get("/mon-compte/").status_code in (200, 302)
    assert cache.get("probe") is None  # a miss, not an error
    # The login page (rate limited through the cache) answers a wrong password as usual.
    login = tenant_client("bordeaux").post(
        "/connexion/", {"username": "bordeaux.t1", "password": "pas le bon"}
    )
    assert login.status_code == 200
    assert "Identifiant ou mot de passe incorrect." in login.content.decode()

    private_cache.start()

    cache.set("probe", "again")
    assert cache.get("probe") == "again"  # the cache works again by itself


def test_a_reset_mail_asked_while_the_broker_is_down_is_queued_once_it_is_back(
    tenant_client, redis_server, private_broker
):
    make_user("bordeaux", "m.durand", email="marie.durand@example.org")
    redis_server.stop()

    answer = tenant_client("bordeaux").post(
        "/mot-de-passe-oublie/", {"email": "marie.durand@example.org"}
    )

    assert answer.status_code == 302  # the same answer as when the broker is up
    with schema_context("public"):
        (kept,) = OutboxTask.objects.all()
    assert kept.task == "accounts.send_password_reset"
    assert kept.schema_name == "bordeaux"
    assert kept.kwargs["email"] == "marie.durand@example.org"
    assert outbox_flush() == 0  # still down: kept for the next run
    assert OutboxTask.objects.get().attempts == 2

    redis_server.start()

    assert outbox_flush() == 1
    assert not OutboxTask.objects.exists()
    broker = redis.Redis.from_url(redis_server.url)
    (message,) = [json.loads(raw) for raw in broker.lrange(private_broker, 0, -1)]
    assert message["headers"]["task"] == "accounts.send_password_reset"
    assert message["headers"]["_schema_name"] == "bordeaux"
    assert outbox_flush() == 0  # sent once


def test_the_configured_cache_is_the_degrading_one(settings):
    if settings.REDIS_URL:
        assert settings.CACHES["default"]["BACKEND"] == "config.cache.DegradingRedisCache"
    assert settings.SESSION_ENGINE == "config.sessions"  # database sessions, not the cache
