"""Who a session cookie stands for outside an HTTP request (a WebSocket's handshake): the same
rules as the HTTP middleware chain, in the same order, so a connection never opens more than a
page would.

* the session is read from the current schema's store, which treats a cookie issued by another
  commune as anonymous (the ``SESSION_ENGINE``);
* the account is loaded as ``AuthenticationMiddleware`` loads it (the backend refuses blocked and
  deactivated accounts; a changed password ends the session);
* ``OTPMiddleware`` says whether the session has given its second factor, and a session that owes
  one (``session_owes_second_factor``) is refused: it would reach only the two-factor pages.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.http import HttpRequest, HttpResponse
from django_otp.middleware import OTPMiddleware

from apps.accounts.models import User
from apps.accounts.security.two_factor import session_owes_second_factor


def _respond(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


def session_user(session_key: str) -> User | None:
    """The account of ``session_key`` in the current schema, if it may act; else None. Call it
    with the connection on the commune's schema."""
    if not session_key:
        return None
    request = HttpRequest()
    # The store SessionMiddleware uses (SESSION_ENGINE), bound to the current schema.
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    # The two middlewares install ``request.user`` lazily, exactly as for a page.
    AuthenticationMiddleware(_respond)(request)
    OTPMiddleware(_respond)(request)
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    if session_owes_second_factor(request, user):
        return None
    return user
