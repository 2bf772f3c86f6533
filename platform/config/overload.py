"""Overload answers 503 "réessayez dans quelques secondes", never 500.

Two bounds per process (uvicorn worker), checked before anything touches the database
(the commune routing queries it first):

* requests at once: ENT_MAX_IN_FLIGHT. The next ones wait up to ENT_IN_FLIGHT_WAIT seconds
  for a slot, then get the 503 page. Under ASGI each request's sync code runs in a thread of
  its own, so this also bounds the threads working at once.
* database connections: the pool's ENT_DB_POOL_MAX (config/settings/env.py). The request's
  connection is taken here, up front, and kept until the request ends (Django returns it to
  the pool then): a request that cannot get one within ENT_DB_POOL_TIMEOUT gets the 503 page
  before the routing or a view has started, and one that got it cannot run out later.
  A view that still meets an exhausted pool (it closed its connection and opened another)
  gets the same page through ``process_exception``.

The 503 page is a static template rendered without the request: no context processor, no
session, no query.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string

log = logging.getLogger("ent.overload")

Handler = Callable[[HttpRequest], HttpResponseBase]

# Seconds the client is told to wait: a burst is usually absorbed by then.
RETRY_AFTER_SECONDS = 5


def _pool_exhausted(exc: BaseException) -> bool:
    """Whether ``exc`` (Django's OperationalError) comes from psycopg's pool giving up."""
    try:
        from psycopg_pool import PoolTimeout, TooManyRequests
    except ImportError:  # no pool installed: it cannot be the pool
        return False
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, PoolTimeout | TooManyRequests):
            return True
        cause = cause.__cause__
    return False


def unavailable() -> HttpResponse:
    """The French 503 page, with Retry-After."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # An overload is logged here, once, as a warning; Django would log each 503 as an error.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


class OverloadMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        limit = settings.ENT_MAX_IN_FLIGHT
        # Per process: uvicorn's workers are processes, each with its own slots.
        self.slots = threading.BoundedSemaphore(limit) if limit else None
        # A negative wait would mean "block for ever" to the semaphore: never wait then.
        self.wait = max(0.0, settings.ENT_IN_FLIGHT_WAIT)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if self.slots is None:
            return self._with_connection(request)
        if not self.slots.acquire(timeout=self.wait):
            log.warning(
                "503: %s requests already in flight (ENT_MAX_IN_FLIGHT)",
                settings.ENT_MAX_IN_FLIGHT,
            )
            return unavailable()
        try:
            return self._with_connection(request)
        finally:
            self.slots.release()

    def _with_connection(self, request: HttpRequest) -> HttpResponseBase:
        try:
            connection.ensure_connection()
        except OperationalError as exc:
            if _pool_exhausted(exc):
                log.warning("503: no database connection free in the pool (ENT_DB_POOL_MAX)")
            else:
                # The server refused or is unreachable (too many clients, restarting...).
                log.error("503: cannot connect to the database: %s", exc)
            return unavailable()
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OperationalError) and _pool_exhausted(exception):
            log.warning("503: no database connection free in the pool (ENT_DB_POOL_MAX)")
            return unavailable()
        return None
