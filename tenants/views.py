"""Pages of the groupement's own site and the pages routing answers with."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from apps.accounts.security.two_factor import is_verified
from tenants.hosts import absolute_url
from tenants.models import Commune, CommuneStatus
from tenants.permissions import is_coordinator
from tenants.selectors import commune_listing


def not_found(request: HttpRequest, exception: Exception | None = None, *, status: int = 404):
    """The project's 404 page, also used by routing for unknown hosts (in every mode)."""
    return render(request, "404.html", {"status": status}, status=status)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def suspended(request: HttpRequest, commune: Commune) -> HttpResponse:
    # Suspension is temporary (503, retry later); an archived commune is gone for good (410).
    status = 410 if commune.status == CommuneStatus.ARCHIVED else 503
    response = render(request, "tenant/suspended.html", {"commune": commune}, status=status)
    if status == 503:
        response["Retry-After"] = "3600"
    # A suspension is a decision, not a server fault: keep it out of the error log.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def landing(request: HttpRequest) -> HttpResponse:
    """The groupement's landing page: its communes and how far each has gone. A coordinator
    who has given their second factor works from the dashboard: that is their home."""
    user = request.user
    if is_coordinator(user) and is_verified(user):
        return redirect("dashboard:home")
    communes = [
        (commune, absolute_url(commune.domain, "/", request) if commune.domain else None)
        for commune in commune_listing()
    ]
    return render(request, "public/landing.html", {"communes": communes})
