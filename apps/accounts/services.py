"""Account writes."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.accounts.models import Profile, User


@dataclass(frozen=True)
class CreatedAccount:
    user: User
    activation_path: str


def activation_path_for(user: User) -> str:
    """A one-time link: the token stops working once the password is set."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse(
        "accounts:activate",
        kwargs={"uidb64": uidb64, "token": token},
        urlconf="config.urls_tenants",
    )


@transaction.atomic
def commune_admin_create(
    *, email: str, first_name: str = "", last_name: str = ""
) -> CreatedAccount:
    """Create a commune administrator with no password yet, to be activated by link."""
    username = email.lower()
    user = User(
        username=username,
        email=email.lower(),
        first_name=first_name,
        last_name=last_name,
        profile=Profile.COMMUNE_ADMIN,
        is_staff=False,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return CreatedAccount(user=user, activation_path=activation_path_for(user))
