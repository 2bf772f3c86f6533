"""Second factor (django-otp): a TOTP application, and ten single-use backup codes.

An account is *enrolled* once it has a confirmed TOTP device. Backup codes live in one
``StaticDevice`` per account; each code works once. A backup code is stored only as a keyed
digest (``backup_code_digest``): it is shown once, when generated, and never again.
A session is *verified* once ``django_otp.login`` has recorded the device that checked a code
(``user.is_verified()``).

The session also remembers whether its account has a confirmed device
(``SESSION_DEVICE_STATE``), so the middleware knows which sessions of optional users (teachers,
directors) still owe a code without a device query on every request.

A person who lost their second factor asks the commune administrator, who resets it
(``two_factor_reset_by_admin``): the devices are deleted and an unconfirmed ``StaticDevice``
named ``REENROL_MARKER_NAME`` is left as the account's "must enrol again" mark, which the next
successful enrolment removes with the old backup codes.
"""

from __future__ import annotations

import re
from base64 import b32encode
from typing import Any
from urllib.parse import quote, urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import User
from apps.accounts.permissions import TWO_FACTOR_OPTIONAL
from apps.audit.services import record_event

SESSION_DEVICE_STATE = "_ent_2fa_device"
SESSION_FRESH_BACKUP_CODES = "_ent_fresh_backup_codes"
BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Application d'authentification"
BACKUP_DEVICE_NAME = "Codes de secours"
# Never created otherwise: django-otp backup-code devices are always confirmed here.
REENROL_MARKER_NAME = "Réinitialisée par l'administration"

_TOTP_SHAPE = re.compile(r"^\d{6,8}$")


# --- reads ----------------------------------------------------------------------------------


def has_confirmed_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def reenrolment_owed(user: User) -> bool:
    """Did the commune administrator reset this account's second factor, with no new
    enrolment since?"""
    return StaticDevice.objects.filter(
        user=user, confirmed=False, name=REENROL_MARKER_NAME
    ).exists()


def must_enrol(user: User) -> bool:
    """Must this account, when it has no confirmed device, enrol before going anywhere?

    Always for the profiles where the second factor is mandatory; for teachers and
    directors, after the administrator reset theirs (they had chosen it: it stays on).
    """
    if user.requires_two_factor:
        return True
    return user.profile in TWO_FACTOR_OPTIONAL and reenrolment_owed(user)


def second_factor_expected(user: User) -> bool:
    """Has this account a confirmed device, or does it owe one (see ``must_enrol``)?

    Asked on every request of a logged-in adult: one query, whatever the profile."""
    if user.requires_two_factor:
        return True
    found = (
        User.objects.filter(pk=user.pk)
        .annotate(
            enrolled=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            owed=Exists(
                StaticDevice.objects.filter(
                    user=OuterRef("pk"), confirmed=False, name=REENROL_MARKER_NAME
                )
            ),
        )
        .values_list("enrolled", "owed")
        .first()
    )
    if found is None:
        return False
    enrolled, owed = found
    return bool(enrolled) or (user.profile in TWO_FACTOR_OPTIONAL and bool(owed))


def account_has_second_factor(user: User) -> bool:
    """Does every way into this account have to prove a second factor?

    Yes for the profiles where it is mandatory (enrolled or not yet), for any account
    holding a confirmed device of any django-otp kind, and for an account that must enrol
    again after a reset. Used where no session can record a verified code (API tokens):
    there, such an account is refused rather than let in on the password or token alone.
    """
    return (
        bool(user.requires_two_factor)
        or user_has_device(user, confirmed=True)
        or reenrolment_owed(user)
    )


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def is_verified(user: Any) -> bool:
    """Has this session given a code (``OTPMiddleware`` installs ``user.is_verified``)?"""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled: the same secret until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def secret_for_display(device: TOTPDevice) -> str:
    """The base32 secret, in groups of four, for applications that cannot read a QR code."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(device: TOTPDevice, *, issuer: str) -> str:
    """``otpauth://`` URI (Key URI Format) naming the ENT and the commune as the issuer."""
    issuer = issuer.replace(":", "")
    label = quote(f"{issuer}:{device.user.get_username()}")
    params = urlencode(
        {
            "secret": b32encode(device.bin_key).decode().rstrip("="),
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{params}"


def qr_code_svg(data: str) -> str:
    """An inline SVG QR code (no image file, nothing sent to a third party)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=4)
    svg: str = image.to_string(encoding="unicode")
    return svg


# Backup codes use base32 (a–z, 2–7): a 0 or a 1 typed from paper can only mean o or l.
_LOOKALIKES = str.maketrans({"0": "o", "1": "l"})


def normalise_backup_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower().translate(_LOOKALIKES)


def format_backup_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code


_BACKUP_CODE_KEY_SALT = "ent.accounts.security.backup_code"
# django-otp's ``StaticToken.token`` holds 16 characters: 10 bytes of digest in base32.
_BACKUP_DIGEST_BYTES = 10
BACKUP_DIGEST_SHAPE = re.compile(r"^[A-Z2-7]{16}$")


def backup_code_digest(user_id: int, code: str, *, secret: str | bytes | None = None) -> str:
    """What is stored for a backup code: an HMAC-SHA256 of the account and the code.

    Keyed with ``SECRET_KEY`` (or ``secret``), so a copy of the database alone gives no
    usable code; the account's id is in the message, so a digest is worth nothing on another
    account. A slow password hasher would add little: codes are random (40 bits), not
    chosen, and checking one would cost a hash per stored code at every login. 80 bits of
    digest are far more than the code carries. Upper case, so a digest can never be taken
    for a code (codes are lower case).
    """
    mac = salted_hmac(
        _BACKUP_CODE_KEY_SALT,
        f"{user_id}:{normalise_backup_code(code)}",
        secret=secret,
        algorithm="sha256",
    )
    return b32encode(mac.digest()[:_BACKUP_DIGEST_BYTES]).decode()


def _backup_code_candidates(user_id: int, code: str) -> list[str]:
    # Codes generated before a SECRET_KEY rotation keep working while the old key is listed
    # in SECRET_KEY_FALLBACKS (as Django does for sessions and password-reset links).
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [backup_code_digest(user_id, code, secret=secret) for secret in secrets]


# --- verification ---------------------------------------------------------------------------


def verify_totp(user: User, code: str) -> Device | None:
    """Check a 6-digit code against the account's confirmed TOTP devices (throttled)."""
    code = code.strip().replace(" ", "")
    if not _TOTP_SHAPE.match(code):
        return None
    with transaction.atomic():
        for device in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
            if device.verify_token(code):
                return device
    return None


def verify_backup_code(user: User, code: str) -> Device | None:
    """Check (and consume) a backup code against the stored digests.

    ``StaticDevice.verify_token`` would look the plain code up in the database: the digest
    of what was typed is compared with each stored one instead, in constant time, with
    django-otp's throttling (a growing delay after each wrong code) kept as it is.
    """
    code = normalise_backup_code(code)
    if not code:
        return None
    candidates = _backup_code_candidates(user.pk, code)
    with transaction.atomic():
        for device in StaticDevice.objects.select_for_update().filter(user=user, confirmed=True):
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                continue
            match = None
            for stored in device.token_set.all():
                if any(constant_time_compare(stored.token, digest) for digest in candidates):
                    match = stored
            if match is None:
                device.throttle_increment()
                continue
            match.delete()
            device.throttle_reset(commit=False)
            device.set_last_used_timestamp(commit=False)
            device.save()
            return device
    return None


def verify_second_factor(
    user: User, *, totp_code: str = "", backup_code: str = ""
) -> Device | None:
    if totp_code:
        return verify_totp(user, totp_code)
    if backup_code:
        return verify_backup_code(user, backup_code)
    return None


# --- session state ------------------------------------------------------------------------------


def remember_device_state(request: HttpRequest, user: User, *, has_device: bool) -> None:
    """``has_device``: the account has a confirmed device, or owes one (``must_enrol``)."""
    request.session[SESSION_DEVICE_STATE] = {"user": user.pk, "device": has_device}


def session_owes_second_factor(request: HttpRequest, user: Any) -> bool:
    """Must this authenticated session give a code before going anywhere else?

    Always for profiles where 2FA is mandatory; for teachers and directors, only if the
    account had a confirmed device when the session learnt about it (at login, or on its first
    request); never for the other profiles, which cannot enrol.
    """
    if is_verified(user):
        return False
    if user.requires_two_factor:
        return True
    if user.profile not in TWO_FACTOR_OPTIONAL:
        # Pupils, parents, other staff: no second factor, and no query to find out.
        return False
    state = request.session.get(SESSION_DEVICE_STATE)
    if not isinstance(state, dict) or state.get("user") != user.pk:
        has_device = second_factor_expected(user)
        remember_device_state(request, user, has_device=has_device)
        return has_device
    return bool(state.get("device"))


def mark_session_verified(request: HttpRequest, user: User, device: Device) -> None:
    otp_login(request, device)
    # A session that gains a privilege gets a new key (as django.contrib.auth.login does).
    request.session.cycle_key()
    remember_device_state(request, user, has_device=True)


def session_verify(
    *, request: HttpRequest, user: User, device: Device, with_backup_code: bool
) -> None:
    """The second step of a login succeeded: the session is verified, and it is recorded."""
    mark_session_verified(request, user, device)
    record_event(
        action="2fa.verified",
        actor=user,
        target=user.get_username(),
        details={"method": "backup_code" if with_backup_code else "totp"},
        request=request,
    )


def keep_fresh_backup_codes(request: HttpRequest, codes: list[str]) -> None:
    """Backup codes are shown once, on the page the next request displays."""
    request.session[SESSION_FRESH_BACKUP_CODES] = codes


def take_fresh_backup_codes(request: HttpRequest) -> list[str] | None:
    codes = request.session.pop(SESSION_FRESH_BACKUP_CODES, None)
    return list(codes) if codes else None


# --- writes ---------------------------------------------------------------------------------


def _new_backup_codes(user: User) -> list[str]:
    """Replace the account's backup codes; the codes are returned to be shown once, only
    their digests are stored."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes: list[str] = []
    while len(codes) < BACKUP_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=backup_code_digest(user.pk, code)) for code in codes
    )
    return codes


@transaction.atomic
def two_factor_enrol_confirm(
    *, user: User, device: TOTPDevice, code: str, request: HttpRequest
) -> list[str] | None:
    """Confirm the device being enrolled with its first code; return the new backup codes.

    ``None`` (and nothing written but django-otp's throttling counters) if the code is wrong.
    """
    pending = (
        TOTPDevice.objects.select_for_update()
        .filter(pk=device.pk, user=user, confirmed=False)
        .first()
    )
    code = code.strip().replace(" ", "")
    # ``pending`` is None when a parallel request confirmed it first: that one wins.
    if pending is None or not _TOTP_SHAPE.match(code) or not pending.verify_token(code):
        return None
    device = pending
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save()
    codes = _new_backup_codes(user)
    record_event(action="2fa.enrolled", actor=user, target=user.username, request=request)
    return codes


@transaction.atomic
def backup_codes_regenerate(*, user: User, request: HttpRequest) -> list[str]:
    codes = _new_backup_codes(user)
    record_event(
        action="2fa.backup_codes_regenerated", actor=user, target=user.username, request=request
    )
    return codes


@transaction.atomic
def two_factor_remove(*, user: User, request: HttpRequest) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record_event(action="2fa.removed", actor=user, target=user.username, request=request)


@transaction.atomic
def two_factor_reset_by_admin(*, actor: User, user: User, request: HttpRequest | None) -> bool:
    """A lost second factor: the commune administrator deletes the person's devices and
    backup codes; the person must enrol again at their next request (``must_enrol``).

    Their open sessions lose their verification with the devices (django-otp finds no
    device behind it) and are sent to enrolment too. ``False`` (nothing written) if the
    account had no second factor to reset. Callers check ``can_reset_second_factor``.
    """
    if not user_has_device(user, confirmed=True):
        return False
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    StaticDevice.objects.create(user=user, name=REENROL_MARKER_NAME, confirmed=False)
    record_event(action="2fa.reset_by_admin", actor=actor, target=user.username, request=request)
    return True
