"""One's own e-mail address: adding or changing it (confirmed by a mailed link), removing it.

The address is where the daily digest and the password-reset links go, so it changes only
once its owner has proved they read it: the account page mails a signed link to the new
address, and the address becomes the account's when that link is opened by the same person,
logged in. The link (``confirmation_token``) carries the account, the new address and a
digest of the account's state (address, password, last change of address): it expires after
``LINK_MAX_AGE``, and stops working as soon as any of these changes — so it serves once, and a
password change cancels the requests made before it. The previous address, if any, is told
of the change: it is the one an intruder would want to get rid of.

Whether an address may be used (``address_refusal``): pupils never have one; an address is
one account's, except that parents who are responsible for the same child may share the
family's address (ONDE often gives both the same one). Sharing is safe for the password
reset: it mails one link per account, each naming its account and resetting that one only.
"""

from __future__ import annotations

import hmac
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from apps.accounts import tasks
from apps.accounts.models import Profile, User
from apps.audit.models import AuditEvent
from apps.audit.services import record_event
from apps.outbox.queue import queue_task
from apps.schools.models import Guardianship
from tenants.db import current_schema
from tenants.hosts import request_commune

log = logging.getLogger("ent.security")

# The audit action of a change (the record_event calls spell it out: tests/security list the
# recorded actions from the source to check each has a French label).
EMAIL_CHANGED = "account.email_changed"
# ENT_RATE_LIMITS entry: change and removal requests, per account.
EMAIL_CHANGE_RATE = "email_change"
LINK_MAX_AGE = 48 * 60 * 60  # seconds
_SALT = "apps.accounts.security.email_change"

# Profiles whose address may be removed. Commune administrators and coordinators need
# theirs (activation, password reset); the school staff's is the school's business.
ADDRESS_OPTIONAL = frozenset({Profile.PARENT})

ADDRESS_TAKEN = (
    "Cette adresse est déjà celle d'un autre compte de la commune. Choisissez-en une autre ; "
    "en cas de doute, adressez-vous à l'école."
)
LINK_HOURS = LINK_MAX_AGE // 3600
LINK_EXPIRED = (
    f"Ce lien a expiré : il n'est valable que {LINK_HOURS} heures. Demandez un nouveau lien "
    "depuis la page « Mon compte »."
)
LINK_INVALID = (
    "Ce lien n'est pas valable : il est incomplet ou a été modifié. Ouvrez le lien exact reçu "
    "par courriel, ou demandez-en un nouveau depuis la page « Mon compte »."
)
LINK_USED = (
    "Ce lien ne peut plus servir : il a déjà été utilisé, ou l'adresse ou le mot de passe du "
    "compte ont changé depuis son envoi. Si besoin, demandez un nouveau lien depuis la page "
    "« Mon compte »."
)
LINK_OTHER_ACCOUNT = (
    "Ce lien a été demandé depuis un autre compte. Déconnectez-vous, puis ouvrez de nouveau le "
    "lien et connectez-vous avec le compte qui a demandé le changement."
)


class EmailChangeRefused(Exception):
    """Nothing changed; ``message`` says why, in French."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field  # the form field it is about, if any


def may_have_address(user: User) -> bool:
    return not user.is_pupil


def may_remove_address(user: User) -> bool:
    return user.profile in ADDRESS_OPTIONAL and bool(user.email)


def service_name_for(request: HttpRequest) -> str:
    commune = request_commune(request)
    return f"ENT {commune.name}" if commune is not None else "ENT Groupement"


# --- which address an account may have -------------------------------------------------------


def _co_guardians(user: User, other_ids: set[int]) -> bool:
    """Is each of ``other_ids`` responsible for at least one of ``user``'s children?"""
    children = Guardianship.objects.filter(guardian=user).values("child_id")
    sharing = set(
        Guardianship.objects.filter(guardian_id__in=other_ids, child_id__in=children).values_list(
            "guardian_id", flat=True
        )
    )
    return sharing == other_ids


def address_refusal(user: User, email: str) -> str | None:
    """Why ``email`` cannot be ``user``'s address in this commune, or None. The answer never
    names the account that has it."""
    # A pupil's address, should an import have given one, is used by nothing (no reset, no
    # digest): it does not keep an adult from using it.
    others = User.objects.filter(email__iexact=email).exclude(pk=user.pk)
    holders = dict(others.exclude(profile=Profile.PUPIL).values_list("pk", "profile"))
    if not holders:
        return None
    if (
        user.profile == Profile.PARENT
        and set(holders.values()) == {Profile.PARENT}
        and _co_guardians(user, set(holders))
    ):
        return None
    return ADDRESS_TAKEN


# --- the confirmation link ----------------------------------------------------------------------


@dataclass(frozen=True)
class PendingChange:
    user_id: int
    email: str


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_SALT)


def _state(user: User) -> str:
    """What a link is bound to. The last change's audit event is in it so that changing back to
    a previous address does not revive the links that led away from it."""
    last_change = (
        AuditEvent.objects.filter(action=EMAIL_CHANGED, actor=user)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    material = f"{user.pk}|{user.email.lower()}|{user.password}|{last_change or 0}"
    return salted_hmac(_SALT, material, algorithm="sha256").hexdigest()[:32]


def confirmation_token(user: User, email: str) -> str:
    return _signer().sign_object({"u": user.pk, "e": email, "s": _state(user)})


def _unsigned(token: str) -> dict[str, Any]:
    try:
        data = _signer().unsign_object(token, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired as error:
        raise EmailChangeRefused(LINK_EXPIRED) from error
    except (signing.BadSignature, ValueError) as error:
        raise EmailChangeRefused(LINK_INVALID) from error
    if not (
        isinstance(data, dict)
        and isinstance(data.get("u"), int)
        and isinstance(data.get("e"), str)
        and isinstance(data.get("s"), str)
    ):
        raise EmailChangeRefused(LINK_INVALID)
    return data


def pending_change(*, user: User, token: str) -> PendingChange:
    """The change ``token`` asks for, if ``user`` may make it now (else EmailChangeRefused)."""
    data = _unsigned(token)
    if data["u"] != user.pk:
        raise EmailChangeRefused(LINK_OTHER_ACCOUNT)
    if not hmac.compare_digest(data["s"], _state(user)):
        raise EmailChangeRefused(LINK_USED)
    return PendingChange(user_id=user.pk, email=data["e"])


# --- writes ---------------------------------------------------------------------------------------


def email_change_request(*, user: User, email: str, request: HttpRequest) -> None:
    """Mail a confirmation link to ``email`` (as ``EmailChangeForm`` cleans it); the account
    does not change yet. The caller has checked the password."""
    refusal = address_refusal(user, email)
    if refusal is not None:
        raise EmailChangeRefused(refusal, field="email")
    # A broker outage keeps the task in the outbox, sent once the broker is back.
    queue_task(
        tasks.send_email_change_confirmation,
        schema_name=current_schema(),
        user_id=user.pk,
        email=email,
        domain=request.get_host(),
        use_https=request.is_secure(),
        service_name=service_name_for(request),
        request_id=uuid.uuid4().hex,
    )


@transaction.atomic
def email_change_confirm(*, user: User, token: str, request: HttpRequest) -> str:
    """The link was opened by its account, logged in: the address changes. Returns it."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    change = pending_change(user=locked, token=token)
    # Another account may have taken the address since the link was sent.
    refusal = address_refusal(locked, change.email)
    if refusal is not None:
        raise EmailChangeRefused(refusal)
    previous = locked.email
    locked.email = change.email
    locked.email_chosen_at = timezone.now()
    locked.save(update_fields=["email", "email_chosen_at"])
    user.email = change.email
    record_event(
        action="account.email_changed",
        actor=locked,
        target=locked.username,
        details={"adresse": "changée" if previous else "ajoutée"},
        request=request,
    )
    if previous:
        _notify_previous_address(locked, previous, removed=False, request=request)
    return change.email


@transaction.atomic
def email_remove(*, user: User, request: HttpRequest) -> None:
    """A parent removes their address (the caller has checked the password)."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not may_remove_address(locked):
        raise EmailChangeRefused("L'adresse de ce compte ne peut pas être retirée.")
    previous = locked.email
    locked.email = ""
    locked.email_chosen_at = timezone.now()
    locked.save(update_fields=["email", "email_chosen_at"])
    user.email = ""
    record_event(
        action="account.email_changed",
        actor=locked,
        target=locked.username,
        details={"adresse": "retirée"},
        request=request,
    )
    _notify_previous_address(locked, previous, removed=True, request=request)


def _notify_previous_address(
    user: User, previous: str, *, removed: bool, request: HttpRequest
) -> None:
    notice = {
        "schema_name": current_schema(),
        "user_id": user.pk,
        "email": previous,
        "removed": removed,
        "service_name": service_name_for(request),
        "request_id": uuid.uuid4().hex,
    }

    def queue() -> None:
        # A broker outage keeps the notice in the outbox, sent once the broker is back.
        queue_task(tasks.send_email_change_notice, **notice)

    # Only a change that was saved is announced.
    transaction.on_commit(queue)
