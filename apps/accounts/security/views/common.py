"""What the login-side views share: safe ``next`` URLs, axes bookkeeping, the lockout page."""

from __future__ import annotations

from typing import Any, cast

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from apps.accounts.models import User

BACKEND = "apps.accounts.security.backends.EntModelBackend"


def safe_next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def current_account(request: HttpRequest) -> User:
    """The logged-in account (views below are behind ``login_required``)."""
    return cast(User, request.user)


def with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def count_failed_login(request: HttpRequest, username: str, stage: str) -> None:
    # django-axes listens to this signal: it counts the failure for (username, address) and
    # flags the request when the limit is reached (AxesMiddleware then answers the lockout).
    user_login_failed.send(
        sender=__name__, credentials={"username": username, "stage": stage}, request=request
    )


def login_allowed(request: HttpRequest, username: str) -> bool:
    return bool(AxesProxyHandler.is_allowed(request, {"username": username}))


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' lockout answer (``AXES_LOCKOUT_CALLABLE``): a French page, status 429."""
    minutes = round(float(settings.AXES_COOLOFF_TIME or 0) * 60)
    return render(
        request,
        "accounts/locked_out.html",
        {"cooloff_minutes": minutes},
        status=429,
    )
