"""Health checks and host-based routing of every request to its commune's schema."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.urls import set_urlconf
from django_tenants.utils import remove_www

from tenants import views
from tenants.routing import host_cache

log = logging.getLogger(__name__)

Handler = Callable[[HttpRequest], HttpResponse]


class HealthCheckMiddleware:
    """``/healthz`` on any host, known or not: 200 when the database answers, else 503."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info != "/healthz":
            return self.get_response(request)
        try:
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError:
            log.exception("health check: database unreachable")
            return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
        return HttpResponse("ok\n", content_type="text/plain")


class CommuneRoutingMiddleware:
    """Selects the schema and URLconf from the Host header.

    Replaces django-tenants' TenantMainMiddleware: the lookup is served from a per-process
    cache (no query for a known host), an unknown host gets the project's French 404 page
    in every mode, and a suspended or archived commune gets the "service suspendu" page.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        connection.set_schema_to_public()
        try:
            hostname = remove_www(request.get_host().split(":")[0]).lower()
        except DisallowedHost:
            return views.not_found(request, status=400)
        route = host_cache.resolve(hostname)
        if route.is_public:
            request.commune = None  # type: ignore[attr-defined]
            request.tenant = connection.tenant  # type: ignore[attr-defined]
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF  # type: ignore[attr-defined]
            set_urlconf(request.urlconf)  # type: ignore[attr-defined]
            return self.get_response(request)
        commune = route.commune
        if commune is None:
            return views.not_found(request)
        request.commune = commune  # type: ignore[attr-defined]
        request.tenant = commune  # type: ignore[attr-defined]
        if not commune.is_live:
            return views.suspended(request, commune)
        connection.set_tenant(commune)
        request.urlconf = settings.ROOT_URLCONF  # type: ignore[attr-defined]
        return self.get_response(request)
