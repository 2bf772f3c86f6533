"""Test set-up: the test database and its communes are built once per session.

The test database is migrated by our ``migrate`` (= ``migrate_schemas``), which also
builds the template schema and its snapshot; the session's communes are then provisioned
through the project's fast path. Tests run inside a transaction that is rolled back, so
tenant data written by a test disappears with it. Transactional tests end with a flush that
empties the public tables: the ``_restore_public_rows`` receiver puts the session's
communes, domains, snapshot and routing stamp back.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import hypothesis
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.test import Client
from django_tenants.utils import get_public_schema_name

from apps.accounts.models import Profile, User
from apps.outbox import queue as outbox_queue
from apps.quiethours import clock as quiet_clock
from provisioning.models import TemplateSnapshot
from provisioning.services import provision_commune
from tenants.db import current_schema, use_public_schema
from tenants.models import Commune, Domain, Groupement, RoutingVersion
from tenants.routing import host_cache
from tenants.validators import schema_name_for_slug
from tests.helpers import pinned_routing_stamp
from tests.world import World, build_world, log_in

# Property tests (tests/usage) run on shared, loaded machines: no per-example deadline and no
# "too slow" health check, which measure the machine rather than the code. Another profile
# can be chosen with HYPOTHESIS_PROFILE (e.g. "default", Hypothesis' own).
hypothesis.settings.register_profile(
    "ci", deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow]
)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

SESSION_COMMUNES = [
    ("Bordeaux", "33063", "bordeaux"),
    ("Pessac", "33318", "pessac"),
    ("Bassens", "33032", "bassens"),
]


@dataclass
class PublicRows:
    groupements: list[Groupement]
    communes: list[Commune]
    domains: list[Domain]
    snapshots: list[TemplateSnapshot]
    versions: list[RoutingVersion]


_saved: PublicRows | None = None


def _capture() -> PublicRows:
    return PublicRows(
        groupements=list(Groupement.objects.all()),
        communes=list(Commune.objects.all()),
        domains=list(Domain.objects.all()),
        snapshots=list(TemplateSnapshot.objects.all()),
        versions=list(RoutingVersion.objects.all()),
    )


def _restore(rows: PublicRows) -> None:
    use_public_schema()
    with transaction.atomic():  # groupement ⇄ commune foreign keys are checked at commit
        _restore_rows(rows)


def _restore_rows(rows: PublicRows) -> None:
    # Order matters only for readability: foreign keys are deferred until the commit.
    if not Groupement.objects.exists():
        Groupement.objects.bulk_create(rows.groupements)
    if not Commune.objects.exists():
        Commune.objects.bulk_create(rows.communes)
    if not Domain.objects.exists():
        Domain.objects.bulk_create(rows.domains)
    if not TemplateSnapshot.objects.exists():
        TemplateSnapshot.objects.bulk_create(rows.snapshots)
    if not RoutingVersion.objects.exists():
        RoutingVersion.objects.bulk_create(rows.versions)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    global _saved
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        groupement = Groupement.objects.create(name="Groupement de test")
        for name, insee, slug in SESSION_COMMUNES:
            provision_commune(
                name=name, insee=insee, slug=slug, groupement=groupement, status="active"
            )
        groupement.coordinator = Commune.objects.get(slug="bordeaux")
        groupement.save()
        _saved = _capture()


@pytest.fixture(autouse=True)
def _public_schema_after_test(request: pytest.FixtureRequest) -> Iterator[None]:
    host_cache.clear()
    # Rate-limit counters live in the cache: a test's logins never count against the next's.
    cache.clear()
    yield
    host_cache.clear()
    use_public_schema()


@receiver(post_migrate)
def _restore_public_rows(**kwargs: object) -> None:
    """A transactional test ends with ``flush``, which empties the public tables and then
    emits ``post_migrate``: put the session's communes back at that moment."""
    if _saved is None or current_schema() != get_public_schema_name():
        return
    if not Commune.objects.exists():
        _restore(_saved)


def host_for(slug: str | None) -> str:
    return f"{slug}.{settings.ENT_BASE_DOMAIN}" if slug else settings.ENT_BASE_DOMAIN


# --- query counts that do not depend on the clock (tests/helpers.py) --------------------------


@pytest.fixture
def django_assert_num_queries(
    django_assert_num_queries: Callable[..., Any],
) -> Callable[..., Any]:
    """pytest-django's, with the routing stamp pinned for the block: a request counted after a
    slow step (a loaded machine) would otherwise include the stamp's re-read or not, depending
    on the clock (tests/helpers.py, ``count_queries``)."""
    return _pinned(django_assert_num_queries)


@pytest.fixture
def django_assert_max_num_queries(
    django_assert_max_num_queries: Callable[..., Any],
) -> Callable[..., Any]:
    """pytest-django's, with the routing stamp pinned for the block (as above)."""
    return _pinned(django_assert_max_num_queries)


def _pinned(assert_queries: Callable[..., Any]) -> Callable[..., Any]:
    @contextmanager
    def counted(*args: Any, **kwargs: Any) -> Iterator[Any]:
        with pinned_routing_stamp(), assert_queries(*args, **kwargs) as context:
            yield context

    return counted


@pytest.fixture
def tenant_client(db: None) -> Callable[..., Client]:
    """``tenant_client("bordeaux")``: Bordeaux's subdomain; ``tenant_client()``: the base domain."""

    def make(slug: str | None = None, **kwargs: Any) -> Client:
        return Client(HTTP_HOST=host_for(slug), **kwargs)

    return make


@pytest.fixture
def commune(db: None) -> Callable[[str], Commune]:
    def get(slug: str) -> Commune:
        use_public_schema()
        return Commune.objects.get(slug=slug)

    return get


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Tasks run in-process when queued (the development mode without Redis)."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def _forget_celery_queues() -> None:
    # Celery caches the queue map (and the router built on it) the first time it is used; a
    # worker started later with another default queue would still consume the first one.
    from config.celery import app

    for cached in ("queues", "default_queue", "router"):
        app.amqp.__dict__.pop(cached, None)


@pytest.fixture
def redis_worker(settings: Any) -> Iterator[object]:
    """A real Celery worker (solo pool, in a thread) consuming a queue of this test's own."""
    import os
    import uuid

    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    redis_url = os.environ.get("REDIS_URL") or settings.REDIS_URL
    assert redis_url, "make test provides Redis (REDIS_URL); the worker tests need it"
    keys = ("broker_url", "task_always_eager", "task_default_queue", "broker_transport_options")
    previous = {key: app.conf.get(key) for key in keys}
    # Another test run sharing the Redis must not take this run's tasks.
    queue = f"ent-tests-{uuid.uuid4().hex}"
    app.conf.update(
        broker_url=redis_url,
        task_always_eager=False,
        result_backend=None,
        task_default_queue=queue,
        # The worker waits this long on the queue between looks: stopping it at the end of
        # the test waits for the current look to end (1 s by default, in every worker test).
        broker_transport_options={
            **(previous["broker_transport_options"] or {}),
            "polling_interval": 0.1,
        },
    )
    _forget_celery_queues()
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING") as worker:
            yield worker
    finally:
        app.conf.update(**previous)
        _forget_celery_queues()


# --- the small school world shared by the API and page tests (tests/world.py) --------------


@pytest.fixture
def coordinator(db: None) -> User:
    use_public_schema()
    return User.objects.create_user(
        username="coord",
        first_name="Claire",
        last_name="Coordinatrice",
        profile=Profile.COORDINATOR,
    )


@pytest.fixture
def bordeaux(db: None) -> World:
    return build_world("bordeaux")


@pytest.fixture
def pessac(db: None) -> World:
    return build_world("pessac")


@pytest.fixture
def as_user(tenant_client: Callable[..., Client]) -> Callable[[World, str], Client]:
    """``as_user(bordeaux, "par1")``: a client of that commune logged in as that person."""

    def make(world: World, name: str) -> Client:
        return log_in(tenant_client, world.schema, world[name])

    return make


# --- clients with a verified second factor (coordinators, commune administrators) ----------

SESSION_BACKEND = next(b for b in settings.AUTHENTICATION_BACKENDS if not b.startswith("axes."))


@pytest.fixture
def verified_login(tenant_client: Callable[..., Client]) -> Callable[..., Client]:
    """``verified_login(user, "bordeaux")``: a client on that commune's host (the base domain
    when no slug) logged in as ``user``, with a confirmed device and a verified session."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_tenants.utils import schema_context

    def make(user: Any, slug: str | None = None) -> Client:
        schema = schema_name_for_slug(slug) if slug else get_public_schema_name()
        client = tenant_client(slug)
        with schema_context(schema):
            client.force_login(user, backend=SESSION_BACKEND)
            device = StaticDevice.objects.create(user=user, name="test", confirmed=True)
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        return client

    return make


@pytest.fixture
def base_login(verified_login: Callable[..., Client]) -> Callable[[Any], Client]:
    """A base-domain client logged in as ``user`` (a coordinator), second factor verified."""
    return lambda user: verified_login(user)


@pytest.fixture
def no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tasks queued after commit go nowhere: what a request costs, not what its Celery task
    (telling the families) will cost later."""
    monkeypatch.setattr(outbox_queue, "queue_task", lambda *args, **kwargs: True)


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    """Files on the filesystem storage (the development default), in this test's own
    folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- quiet hours with a frozen clock (tests/quiethours, tests/messaging) --------------------


@pytest.fixture
def quiet_hours(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[datetime.datetime]]:
    """Quiet hours on (the suite's settings switch them off), zone A, and a clock frozen at
    the moment the test appends."""
    settings.ENT_QUIET_HOURS = True
    settings.ENT_SCHOOL_ZONE = "A"
    frozen: list[datetime.datetime] = []
    monkeypatch.setattr(quiet_clock, "now", lambda: frozen[-1])
    yield frozen
