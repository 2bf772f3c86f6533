"""Issuing, revoking and using QR login tokens, and throttling bad scans.

A token is 192 random bits (``secrets.token_urlsafe(24)``); only its SHA-256 digest is kept.
It logs its pupil in only while it is live, the account can log in, and the pupil is
enrolled this year in a maternelle class.

Throttling: a wrong or revoked token counts as a failure for the address it came from, in
the cache (whose keys carry the schema name, so each commune counts its own). Past
``FAILURE_LIMIT`` failures within ``FAILURE_WINDOW`` seconds, that address gets 429 for every
scan until the window ends. The limit is generous because a whole school shares one address
(a child scanning an old card again and again must not shut the school out), and guessing a
192-bit token is hopeless anyway: the limit only stops a scripted sweep from being noisy.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from apps.accounts.models import Profile, User
from apps.audit.services import client_ip, record_event
from apps.qrlogin.models import QrLoginToken
from apps.schools.models import Classroom, Enrolment

TOKEN_BYTES = 24
FAILURE_LIMIT = 30
FAILURE_WINDOW = 15 * 60


class QrLoginRefused(Exception):
    """QR login is only for pupils of maternelle classes."""


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_maternelle(classroom: Classroom) -> None:
    if not classroom.is_maternelle:
        raise QrLoginRefused(f"{classroom.name} n'est pas une classe de maternelle.")


@transaction.atomic
def qr_tokens_issue(
    *, classroom: Classroom, pupils: Iterable[User], actor: User | None
) -> dict[int, str]:
    """A new token for each pupil (revoking their live one); returns the raw tokens by pupil id.

    The caller prints them: they are not kept anywhere else. Three queries whatever the number.
    """
    _check_maternelle(classroom)
    pupil_ids = [pupil.pk for pupil in pupils]
    if not pupil_ids:
        return {}
    # Two teachers printing the same class at once: the second waits for the first, then
    # revokes the first one's tokens instead of clashing with them (one live token a pupil).
    list(User.objects.select_for_update().filter(pk__in=pupil_ids).values_list("pk"))
    now = timezone.now()
    QrLoginToken.objects.filter(pupil_id__in=pupil_ids, revoked_at__isnull=True).update(
        revoked_at=now
    )
    tokens = {pupil_id: secrets.token_urlsafe(TOKEN_BYTES) for pupil_id in pupil_ids}
    QrLoginToken.objects.bulk_create(
        QrLoginToken(
            pupil_id=pupil_id, token_hash=token_digest(token), created_at=now, created_by=actor
        )
        for pupil_id, token in tokens.items()
    )
    return tokens


@transaction.atomic
def qr_token_revoke(*, actor: User, pupil: User, request: HttpRequest | None = None) -> int:
    """Revoke the pupil's live token: the next scan of the printed card gets a 404."""
    revoked = QrLoginToken.objects.filter(pupil=pupil, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        record_event(
            action="qrlogin.token_revoked", actor=actor, target=pupil.username, request=request
        )
    return revoked


def qr_login_token(token: str) -> QrLoginToken | None:
    """The live token ``token`` names, if its pupil may log in with it now; else ``None``."""
    if not token or len(token) > 100:
        return None
    found = (
        QrLoginToken.objects.select_related("pupil")
        .filter(
            token_hash=token_digest(token),
            revoked_at__isnull=True,
            pupil__profile=Profile.PUPIL,
            pupil__is_active=True,
            pupil__blocked_at__isnull=True,
            pupil__left_at__isnull=True,
        )
        .first()
    )
    if found is None:
        return None
    enrolment = (
        Enrolment.objects.this_year()
        .select_related("classroom")
        .filter(pupil_id=found.pupil_id)
        .first()
    )
    if enrolment is None or not enrolment.classroom.is_maternelle:
        return None
    return found


def qr_login_record(*, login_token: QrLoginToken, request: HttpRequest) -> None:
    QrLoginToken.objects.filter(pk=login_token.pk).update(last_used_at=timezone.now())
    record_event(
        action="login.qr",
        actor=login_token.pupil,
        target=login_token.pupil.username,
        details={"token": login_token.pk},
        request=request,
    )


# --- throttling -------------------------------------------------------------------------------


def _failure_key(request: HttpRequest) -> str:
    return f"qrlogin:failures:{client_ip(request) or 'unknown'}"


def qr_login_throttled(request: HttpRequest) -> bool:
    return int(cache.get(_failure_key(request), 0)) >= FAILURE_LIMIT


def qr_login_failure_record(request: HttpRequest) -> int:
    """Count one bad scan from the request's address; returns the count in the window."""
    key = _failure_key(request)
    cache.add(key, 0, timeout=FAILURE_WINDOW)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=FAILURE_WINDOW)
        failures = 1
    if failures <= FAILURE_LIMIT:
        # Past the limit the 429s are not logged one by one: the audit log must not be a
        # sink for a scripted sweep.
        record_event(action="login.qr_failure", request=request, details={"failures": failures})
    return failures


def qr_login_failures_reset(request: HttpRequest) -> None:
    cache.delete(_failure_key(request))
