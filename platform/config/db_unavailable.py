"""The database cannot be reached: a French 503 with Retry-After, not the 500 page.

While PostgreSQL restarts (or is out of reach) every request that needs it fails with
``OperationalError`` or ``InterfaceError``, raised by a middleware (routing, sessions) as
often as by a view. Django turns an exception into the 500 page at the level of the
middleware that raised it, so no middleware further out sees it; what every layer does send
is ``got_request_exception``, while the exception is being handled. The receiver below marks
the request, and the middleware (placed outside all those that touch the database) swaps
the 500 it gets back for a 503 saying to come back shortly, which load balancers and API
clients understand as "try again".

Nothing broken is kept between requests: Django drops a connection that failed, and
CONN_HEALTH_CHECKS tests a reused one (from the pool, or persistent) before its first query
in a request, so the service recovers by itself once PostgreSQL answers again. A request
that cannot get a connection at all is answered before the routing by the pool's middleware
(config/overload.py); this one is for the errors met later, by any middleware or view.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

log = logging.getLogger("ent.db")

Handler = Callable[[HttpRequest], HttpResponse]

RETRY_AFTER_SECONDS = 15
MESSAGE = (
    "Le service est momentanément indisponible (maintenance en cours). "
    "Réessayez dans quelques instants."
)
_PAGE = (
    '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
    "<title>Service momentanément indisponible — ENT Groupement</title></head>\n"
    "<body><main><h1>Service momentanément indisponible</h1>"
    f"<p>{MESSAGE}</p></main></body></html>\n"
)
# Set on the request by the receiver; read by the middleware.
_MARK = "_ent_database_unavailable"

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def _mark_database_errors(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_UNAVAILABLE):
        setattr(request, _MARK, True)


got_request_exception.connect(_mark_database_errors, dispatch_uid="ent_database_unavailable")


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503: JSON ``{"detail": …}`` under ``/api/``, a page elsewhere. Drawn without a
    template: the site's frame needs the database (the commune's name, the menu)."""
    response: HttpResponse
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": MESSAGE}, status=503)
    else:
        response = HttpResponse(_PAGE, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, _MARK, False):
            log.error("database unavailable: %s %s answered 503", request.method, request.path)
            return unavailable_response(request)
        return response
