"""One small rate limiter, and the login side's throttling built on it.

The limiter is a fixed-window counter in Django's default cache (Redis in production): one
key per (rate, key, window), created with its expiry by ``add`` (SET NX EX) and then only
incremented (INCR), so a counter can never outlive its window. The cache's key function
prefixes the schema, so a commune's counters never reach another's.

What the login side limits, on top of django-axes (which locks a username *from one
address*, ``AXES_LOCKOUT_PARAMETERS``):

* every address (an IPv4 address, an IPv6 /64: one subscriber gets a whole /64) has a budget
  of units per window shared by the login, first-login and second-factor pages; a POST costs
  one unit and a failed attempt ``ENT_LOGIN_FAILURE_COST`` in all. A school behind one NAT
  logs in all morning (300 successful logins per 10 minutes by default), a password spray from
  one address is stopped after a few dozen failures;
* every username, whether it exists or not (the answer must not tell), has a number of
  failures per window across all addresses; past it every attempt for that username is
  refused until the window ends, so spreading guesses over many addresses (IPv6) gains
  nothing;
* the password-reset form is limited per address and per e-mail address asked for.

Sizes are in ``ENT_RATE_LIMITS`` (settings). An answer over a limit is a French page, status
429, with ``Retry-After``.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from apps.audit.services import client_ip

log = logging.getLogger("ent.security")

View = TypeVar("View", bound=Callable[..., HttpResponseBase])

LOGIN_ADDRESS = "login_address"
LOGIN_ACCOUNT = "login_account"
RESET_ADDRESS = "reset_address"
RESET_EMAIL = "reset_email"

ADDRESS_MESSAGE = (
    "Trop d'essais de connexion depuis votre réseau. Par sécurité, les connexions depuis ce "
    "réseau sont suspendues quelques minutes."
)
ACCOUNT_MESSAGE = (
    "Trop d'essais de connexion avec cet identifiant. Par sécurité, les connexions avec cet "
    "identifiant sont suspendues quelques minutes."
)
RESET_MESSAGE = (
    "Trop de demandes de nouveau mot de passe. Par sécurité, les demandes sont suspendues "
    "quelques minutes."
)


@dataclass(frozen=True)
class Rate:
    name: str
    limit: int
    window: int  # seconds


@dataclass(frozen=True)
class Verdict:
    count: int
    limit: int
    retry_after: int  # seconds until the window ends

    @property
    def allowed(self) -> bool:
        return self.count <= self.limit


def rate(name: str) -> Rate:
    """The rate ``name`` of ``ENT_RATE_LIMITS``, read at each use (settings may change)."""
    limit, window = settings.ENT_RATE_LIMITS[name]
    return Rate(name=name, limit=int(limit), window=int(window))


def now() -> float:
    """The clock of the windows (tests freeze it so that no window ends during a test)."""
    return time.time()


def _window(rate: Rate) -> tuple[int, int]:
    """The current window's start and the seconds left in it (at least one)."""
    moment = now()
    start = int(moment // rate.window) * rate.window
    return start, max(1, math.ceil(start + rate.window - moment))


def _cache_key(rate: Rate, key: str, start: int) -> str:
    # Hashed: usernames and e-mail addresses are not kept in the cache, and any input fits.
    digest = hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:32]
    return f"ratelimit:{rate.name}:{start}:{digest}"


def hit(rate: Rate, key: str, cost: int = 1) -> Verdict:
    """Count ``cost`` units for ``key`` in the current window; the verdict includes them."""
    start, retry_after = _window(rate)
    cache_key = _cache_key(rate, key, start)
    try:
        cache.add(cache_key, 0, timeout=retry_after + 1)
        try:
            count = int(cache.incr(cache_key, cost))
        except ValueError:  # expired between add and incr
            cache.set(cache_key, cost, timeout=retry_after + 1)
            count = cost
    except Exception:
        # A cache outage must not close every commune's login: counted as allowed, logged.
        log.exception("rate limiter unavailable (%s)", rate.name)
        return Verdict(count=0, limit=rate.limit, retry_after=retry_after)
    if count - cost <= rate.limit < count:
        # Once per window and key: the refusals that follow are not logged one by one.
        log.warning("rate limit %s reached", rate.name)
    return Verdict(count=count, limit=rate.limit, retry_after=retry_after)


def forget(rate: Rate, key: str) -> None:
    """Drop ``key``'s count of the current window (a teacher unlocked the account)."""
    start, _retry_after = _window(rate)
    try:
        cache.delete(_cache_key(rate, key, start))
    except Exception:
        log.exception("rate limiter unavailable (%s)", rate.name)


def peek(rate: Rate, key: str) -> Verdict:
    """The current window's count for ``key``, counting nothing."""
    start, retry_after = _window(rate)
    try:
        count = int(cache.get(_cache_key(rate, key, start)) or 0)
    except Exception:
        log.exception("rate limiter unavailable (%s)", rate.name)
        count = 0
    return Verdict(count=count, limit=rate.limit, retry_after=retry_after)


def address_bucket(address: str | None) -> str:
    """What an address is counted as: IPv4 addresses one by one, IPv6 by /64."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return "inconnue"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def address_key(request: HttpRequest) -> str:
    # The address the audit log records: REMOTE_ADDR, which uvicorn sets from nginx's
    # X-Forwarded-For (--proxy-headers, trusted proxies only), never from the client's header.
    return address_bucket(client_ip(request))


def username_key(username: str) -> str:
    return username.strip().lower()


def email_key(request: HttpRequest) -> str | None:
    email = str(request.POST.get("email", "")).strip().lower()
    return email or None


def too_many_requests(
    request: HttpRequest, verdict: Verdict, message: str, *, login_help: bool = True
) -> HttpResponse:
    response = render(
        request,
        "accounts/too_many_attempts.html",
        {
            "message": message,
            "minutes": max(1, math.ceil(verdict.retry_after / 60)),
            "login_help": login_help,
        },
        status=429,
    )
    response["Retry-After"] = str(verdict.retry_after)
    return response


def rate_limited(
    name: str,
    key: Callable[[HttpRequest], str | None],
    message: str,
    *,
    methods: tuple[str, ...] = ("POST",),
    login_help: bool = True,
) -> Callable[[View], View]:
    """A view decorator: each request of ``methods`` costs one unit of rate ``name`` for
    ``key(request)`` (no key: not counted); over the limit, the 429 page instead of the view."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method in methods:
                counted = key(request)
                if counted is not None:
                    verdict = hit(rate(name), counted)
                    if not verdict.allowed:
                        return too_many_requests(request, verdict, message, login_help=login_help)
            return view(request, *args, **kwargs)

        return cast(View, wrapped)

    return decorator


# --- the login side -----------------------------------------------------------------------

login_rate_limited = rate_limited(LOGIN_ADDRESS, address_key, ADDRESS_MESSAGE)
reset_rate_limited_by_address = rate_limited(
    RESET_ADDRESS, address_key, RESET_MESSAGE, login_help=False
)
reset_rate_limited_by_email = rate_limited(RESET_EMAIL, email_key, RESET_MESSAGE, login_help=False)


def login_account_refusal(request: HttpRequest, username: str) -> HttpResponse | None:
    """The 429 page when ``username`` has had too many failures in the window, from any
    address; the same whether the account exists or not, and even with the right password."""
    verdict = peek(rate(LOGIN_ACCOUNT), username_key(username))
    if verdict.count < verdict.limit:
        return None
    return too_many_requests(request, verdict, ACCOUNT_MESSAGE)


def login_failure_record(request: HttpRequest, username: str) -> None:
    """A failed password or code: the address pays the rest of a failure's cost (the POST
    already paid one unit) and the username counts one failure."""
    extra = max(0, int(settings.ENT_LOGIN_FAILURE_COST) - 1)
    if extra:
        hit(rate(LOGIN_ADDRESS), address_key(request), cost=extra)
    verdict = hit(rate(LOGIN_ACCOUNT), username_key(username))
    if verdict.count == verdict.limit:
        log.warning("login attempts suspended for a username after %d failures", verdict.count)
