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
from tenants.db import tenant_connection, use_public_schema
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
            use_public_schema()
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
        # The connection is switched once the route is known, to public or to the commune,
        # instead of to public first and then to the commune: a connection that served this
        # commune last keeps its schema and its search_path on the server (no SET, see
        # config/db/base.py). Resolving does not depend on the schema the connection is left
        # on: the stamp read is schema-qualified and a host lookup runs in public
        # (tenants/routing.py).
        try:
            hostname = remove_www(request.get_host().split(":")[0]).lower()
        except DisallowedHost:
            use_public_schema()
            return views.not_found(request, status=400)
        try:
            route = host_cache.resolve(hostname)
        except BaseException:
            use_public_schema()
            raise
        if route.is_public:
            use_public_schema()
            request.commune = None  # type: ignore[attr-defined]
            request.tenant = tenant_connection().tenant  # type: ignore[attr-defined]
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            set_urlconf(request.urlconf)
            return self.get_response(request)
        commune = route.commune
        if commune is None:
            use_public_schema()
            return views.not_found(request)
        request.commune = commune  # type: ignore[attr-defined]
        request.tenant = commune  # type: ignore[attr-defined]
        if not commune.is_live:
            use_public_schema()
            return views.suspended(request, commune)
        # Content types cached for this schema stay valid while the connection stays on it;
        # django-tenants drops them whenever set_tenant actually changes the schema.
        tenant_connection().set_tenant(commune)
        # No request.urlconf: ROOT_URLCONF (the communes' URLs) is Django's default.
        return self.get_response(request)
