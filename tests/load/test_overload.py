"""Overload (config/overload.py) and the pool's bookkeeping of the schema (config/db/base.py),
in process: an exhausted pool or too many requests at once answer the French 503 page with
Retry-After, never a 500; a pooled connection never carries a commune's schema to the next
request of another."""

from __future__ import annotations

import contextlib
import copy
import html
from collections.abc import Iterator

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, connection, connections
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import path
from psycopg_pool import PoolTimeout

from config import overload
from config.db.base import DatabaseWrapper
from config.settings.env import connection_pool
from tenants.models import Commune

POOL_ALIAS = "pool_of_one"


def _pool_timeout() -> OperationalError:
    """What Django raises when psycopg's pool gives no connection in time."""
    wrapped = OperationalError("couldn't get a connection after 5.00 sec")
    wrapped.__cause__ = PoolTimeout("couldn't get a connection after 5.00 sec")
    return wrapped


def _text(response: HttpResponse) -> str:
    return html.unescape(response.content.decode())


def _assert_french_503(response: HttpResponse) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == str(overload.RETRY_AFTER_SECONDS)
    assert "Réessayez dans quelques secondes" in _text(response)


def test_the_pool_is_on_and_connections_are_not_persistent(settings):
    database = settings.DATABASES["default"]

    assert database["CONN_MAX_AGE"] == 0
    assert database["OPTIONS"]["pool"]["max_size"] == settings.ENT_DB_POOL_MAX >= 1


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        ({"max_size": 0, "min_size": 0}, "ENT_DB_POOL_MAX must be at least 1"),
        ({"max_size": 4, "min_size": 5}, "ENT_DB_POOL_MIN=5 cannot exceed ENT_DB_POOL_MAX=4"),
    ],
)
def test_a_pool_that_cannot_work_is_refused_at_start_up(sizes, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        connection_pool(timeout=5, max_idle=60, **sizes)


def test_an_exhausted_pool_answers_503_before_the_routing_touches_the_database(
    tenant_client, monkeypatch
):
    def exhausted() -> None:
        raise _pool_timeout()

    client = tenant_client("bordeaux")
    with monkeypatch.context() as patched:
        patched.setattr(connection, "ensure_connection", exhausted)
        response = client.get("/")

    _assert_french_503(response)
    # Still wrapped by the browser protections.
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_database_that_refuses_connections_answers_503(tenant_client, monkeypatch):
    def refused() -> None:
        raise OperationalError("FATAL: sorry, too many clients already")

    client = tenant_client("pessac")
    with monkeypatch.context() as patched:
        patched.setattr(connection, "ensure_connection", refused)
        response = client.get("/")

    _assert_french_503(response)


def _pool_gone(request: HttpRequest) -> HttpResponse:
    raise _pool_timeout()


urlpatterns = [path("pool-gone/", _pool_gone)]


@pytest.mark.urls(__name__)
def test_a_view_meeting_an_exhausted_pool_answers_503(tenant_client):
    # A commune host: its URLs are ROOT_URLCONF, which this test replaces.
    _assert_french_503(tenant_client("bordeaux").get("/pool-gone/"))


def test_other_database_errors_are_not_disguised_as_overload():
    assert not overload._pool_exhausted(OperationalError("deadlock detected"))
    assert overload._pool_exhausted(_pool_timeout())


def test_past_the_requests_in_flight_the_next_one_answers_503(settings, db):
    settings.ENT_MAX_IN_FLIGHT = 1
    settings.ENT_IN_FLIGHT_WAIT = 0
    inner: list[HttpResponse] = []

    def view(request: HttpRequest) -> HttpResponse:
        # A second request while this one holds the only slot.
        inner.append(middleware(RequestFactory().get("/")))  # type: ignore[arg-type]
        return HttpResponse("servie")

    middleware = overload.OverloadMiddleware(view)
    first = middleware(RequestFactory().get("/"))

    assert first.status_code == 200
    _assert_french_503(inner[0])
    # The slot is given back: the next request is served.
    assert middleware(RequestFactory().get("/")).status_code == 200


# --- the schema through a pool of one connection -----------------------------------------


@pytest.fixture
def pool_of_one(db) -> Iterator[list[DatabaseWrapper]]:
    """Two "request threads" (two wrappers) sharing a pool of a single server connection."""
    settings_dict = copy.deepcopy(connection.settings_dict)
    settings_dict["OPTIONS"]["pool"] = {"min_size": 1, "max_size": 1, "timeout": 5}
    wrappers = [DatabaseWrapper(settings_dict, alias=POOL_ALIAS) for _ in range(2)]
    yield wrappers
    for wrapper in wrappers:
        wrapper.close()
    wrappers[0].close_pool()
    with contextlib.suppress(AttributeError):  # never set when the test failed early
        del connections[POOL_ALIAS]


def _request(wrapper: DatabaseWrapper, commune: Commune) -> tuple[str, int]:
    """One request on ``commune``: the schema its queries see, and the server session."""
    # This thread's connection under that alias, as the request's thread would have it
    # (what runs on connect, django.contrib.postgres' type lookup, asks for it by alias).
    connections[POOL_ALIAS] = wrapper
    wrapper.set_tenant(commune)
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT current_schema(), pg_backend_pid()")
            schema, pid = cursor.fetchone()
        return schema, pid
    finally:
        wrapper.close()  # back to the pool, with the search_path this request left


def test_requests_of_two_communes_alternating_on_one_pooled_connection_see_their_own(
    pool_of_one,
):
    first, second = pool_of_one
    bordeaux = Commune.objects.get(slug="bordeaux")
    pessac = Commune.objects.get(slug="pessac")

    seen = [
        _request(first, bordeaux),
        _request(second, pessac),
        _request(first, bordeaux),
        _request(first, pessac),
        _request(second, pessac),
        _request(second, bordeaux),
    ]

    assert [schema for schema, _ in seen] == [
        "bordeaux",
        "pessac",
        "bordeaux",
        "pessac",
        "pessac",
        "bordeaux",
    ]
    # One server session served them all.
    assert len({pid for _, pid in seen}) == 1


def test_a_connection_lost_without_close_is_not_trusted_with_its_schema(pool_of_one):
    first, second = pool_of_one
    bordeaux = Commune.objects.get(slug="bordeaux")
    pessac = Commune.objects.get(slug="pessac")

    connections[POOL_ALIAS] = first
    first.set_tenant(bordeaux)
    with first.cursor() as cursor:
        cursor.execute("SELECT 1")
    # The server session goes back to the pool behind the wrapper's back (as when a driver
    # error or a test drops it), still on Bordeaux's path.
    raw = first.connection
    first.connection = None
    raw._pool.putconn(raw)
    assert _request(second, pessac)[0] == "pessac"

    connections[POOL_ALIAS] = first
    first.set_tenant(bordeaux)
    with first.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        assert cursor.fetchone()[0] == "bordeaux"
    first.close()
