"""Per-request enforcement of the account's security state. Sits after ``OTPMiddleware``.

* A session whose account can no longer authenticate (blocked, deactivated, deleted) is
  flushed on its next request: the backend already refuses such accounts, this also drops
  whatever the session held.
* An authenticated session that owes a second factor — always for administrators and
  coordinators until they enrol and verify, for teachers and directors who enrolled, and for
  those whose second factor the commune administrator reset, until they enrol again —
  reaches only the two-factor pages and logout: HTML pages redirect there, paths under
  ``/api/`` answer 403. Unknown paths stay 404.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from apps.accounts.security.two_factor import has_confirmed_device, session_owes_second_factor

security_log = logging.getLogger("ent.security")

# The only views a session owing a second factor may reach (tests/security pins this list).
TWO_FACTOR_ALLOWED_URL_NAMES = frozenset(
    {"accounts:two_factor_verify", "accounts:two_factor_enrol", "accounts:logout"}
)

API_PREFIX = "/api/"


def _exempt_path(path: str) -> bool:
    static = settings.STATIC_URL or "/static/"
    return path == "/healthz" or path.startswith(static)


class AccountSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _exempt_path(request.path_info):
            self._end_sessions_of_refused_accounts(request)
        return self.get_response(request)

    @staticmethod
    def _end_sessions_of_refused_accounts(request: HttpRequest) -> None:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None:
            return
        if SESSION_KEY in session and not user.is_authenticated:
            security_log.info(
                "session of an account that can no longer log in ended",
                extra={"event": "session_ended_refused_account"},
            )
            session.flush()

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or _exempt_path(request.path_info):
            return None
        if not session_owes_second_factor(request, user):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in TWO_FACTOR_ALLOWED_URL_NAMES:
            return None
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse(
                {"detail": "Double authentification requise : validez votre code d'abord."},
                status=403,
            )
        name = (
            "accounts:two_factor_verify"
            if has_confirmed_device(user)
            else "accounts:two_factor_enrol"
        )
        target = reverse(name)
        if request.method in ("GET", "HEAD"):
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        return HttpResponseRedirect(target)
