"""The page a QR code opens: ``/qr/<token>/`` logs the pupil in on the class device."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.qrlogin import services


def _session_backend() -> str:
    # The backend that loads the session on later requests; it refuses blocked accounts
    # (axes' backend only counts failures and authenticates no one).
    return next(
        backend for backend in settings.AUTHENTICATION_BACKENDS if not backend.startswith("axes.")
    )


@never_cache
@require_GET
def qr_login(request: HttpRequest, token: str) -> HttpResponse:
    if services.qr_login_throttled(request):
        return render(request, "qrlogin/invalid.html", {"throttled": True}, status=429)
    login_token = services.qr_login_token(token)
    if login_token is None:
        services.qr_login_failure_record(request)
        return render(request, "qrlogin/invalid.html", {"throttled": False}, status=404)
    login(request, login_token.pupil, backend=_session_backend())
    services.qr_login_record(login_token=login_token, request=request)
    return redirect(settings.LOGIN_REDIRECT_URL)
