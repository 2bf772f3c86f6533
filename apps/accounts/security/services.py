"""Writes on the login side of accounts: activation, blocking, unlocking, passwords.

Each one records its audit event; callers check permissions (apps.accounts.permissions).
"""

from __future__ import annotations

import hmac
from datetime import timedelta

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.security import ratelimit
from apps.audit.services import record_event


def normalise_activation_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


def activation_code_matches(user: User, code: str) -> bool:
    expected = normalise_activation_code(user.activation_code)
    given = normalise_activation_code(code)
    return bool(expected) and hmac.compare_digest(expected.encode(), given.encode())


@transaction.atomic
def account_activate(*, user: User, password: str, request: HttpRequest | None = None) -> User:
    """First login: the chosen password replaces the activation code, which stops working."""
    user.set_password(password)
    user.activation_code = ""
    user.activated_at = timezone.now()
    user.save(update_fields=["password", "activation_code", "activated_at"])
    record_event(action="account.activated", actor=user, target=user.username, request=request)
    return user


@transaction.atomic
def account_block(*, actor: User, user: User, request: HttpRequest | None = None) -> User:
    """A blocked account cannot log in, and its open sessions end on their next request."""
    if user.blocked_at is None:
        user.blocked_at = timezone.now()
        user.save(update_fields=["blocked_at"])
        record_event(action="account.blocked", actor=actor, target=user.username, request=request)
    return user


@transaction.atomic
def account_unblock(*, actor: User, user: User, request: HttpRequest | None = None) -> User:
    if user.blocked_at is not None:
        user.blocked_at = None
        user.save(update_fields=["blocked_at"])
        record_event(action="account.unblocked", actor=actor, target=user.username, request=request)
    return user


def login_lockout_active(user: User) -> bool:
    """Is ``user`` locked out (from at least one address) after too many failed logins?"""
    attempts = AccessAttempt.objects.filter(username=user.get_username())
    if settings.AXES_COOLOFF_TIME:
        cool_off = timedelta(hours=float(settings.AXES_COOLOFF_TIME))
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    worst = attempts.aggregate(worst=Max("failures_since_start"))["worst"] or 0
    return bool(worst >= settings.AXES_FAILURE_LIMIT)


@transaction.atomic
def login_unlock(*, actor: User, user: User, request: HttpRequest | None = None) -> int:
    """Forget ``user``'s failed logins (from every address); return how many were removed."""
    removed = axes_reset(username=user.get_username())
    # The per-account slow-down across addresses counts the same failures.
    ratelimit.forget(ratelimit.rate(ratelimit.LOGIN_ACCOUNT), ratelimit.username_key(user.username))
    record_event(
        action="account.unlocked",
        actor=actor,
        target=user.username,
        details={"attempts_removed": removed},
        request=request,
    )
    return removed


@transaction.atomic
def pupil_password_set(
    *, actor: User, pupil: User, password: str, request: HttpRequest | None = None
) -> User:
    """A teacher gives a pupil a new password; failed logins are forgotten with the old one."""
    pupil.set_password(password)
    pupil.save(update_fields=["password"])
    axes_reset(username=pupil.get_username())
    ratelimit.forget(
        ratelimit.rate(ratelimit.LOGIN_ACCOUNT), ratelimit.username_key(pupil.username)
    )
    record_event(
        action="password.reset_by_staff", actor=actor, target=pupil.username, request=request
    )
    return pupil


def password_changed_record(*, user: User, request: HttpRequest | None = None) -> None:
    record_event(action="password.changed", actor=user, target=user.username, request=request)


def password_reset_record(*, user: User, request: HttpRequest | None = None) -> None:
    record_event(action="password.reset", actor=user, target=user.username, request=request)
