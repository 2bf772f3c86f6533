"""People, second factors and logins for the security tests."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from apps.accounts.security.two_factor import backup_code_digest

ADULT_PASSWORD = "un-mot-de-passe-solide"
PUPIL_PASSWORD = "chat42"
BACKUP_CODE = "abcd2345"


def make_user(
    schema: str,
    username: str,
    profile: str = Profile.TEACHER,
    password: str | None = None,
    **fields: Any,
) -> User:
    if password is None:
        password = PUPIL_PASSWORD if profile == Profile.PUPIL else ADULT_PASSWORD
    with schema_context(schema):
        user = User(
            username=username,
            first_name=fields.pop("first_name", username.split(".")[0].title()),
            last_name=fields.pop("last_name", "Test"),
            profile=profile,
            **fields,
        )
        user.set_password(password)
        user.save()
    return user


def enrol(schema: str, user: User, *, backup_codes: tuple[str, ...] = (BACKUP_CODE,)) -> TOTPDevice:
    """A confirmed TOTP device and backup codes, as if the person had enrolled."""
    with schema_context(schema):
        device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
        static = StaticDevice.objects.create(user=user, name="Codes de secours", confirmed=True)
        for code in backup_codes:
            # Stored as the application stores them: digests, never the codes.
            static.token_set.create(token=backup_code_digest(user.pk, code))
    return device


def code_for(device: TOTPDevice, step_offset: int = 0) -> str:
    """The code the application shows now (or ``step_offset`` steps later: a code already
    accepted cannot be used twice, the next step's can, within the tolerance)."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + step_offset)
    return f"{value:0{device.digits}d}"


def log_in(client: Client, username: str, password: str = ADULT_PASSWORD) -> Any:
    return client.post("/connexion/", {"username": username, "password": password})


def log_in_verified(client: Client, schema: str, user: User, device: TOTPDevice) -> None:
    """Password, then a code: a fully verified session."""
    response = log_in(client, user.username)
    assert response.status_code == 302
    with schema_context(schema):
        device.refresh_from_db()
    response = client.post("/connexion/code/", {"code": code_for(device, 1)})
    assert response.status_code == 302, response.content.decode()[:500]
