"""The addresses printed on login cards (outside any request: the card is kept on paper)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from tenants.hosts import absolute_url
from tenants.hosts import commune_host as commune_domain
from tenants.models import Commune

# The first-login page (apps.accounts.security): login + activation code → own password.
FIRST_LOGIN_PATH = "/premiere-connexion/"
# Query parameter that pre-fills the login on the first-login page.
LOGIN_PARAMETER = "identifiant"


def first_login_address(commune: Commune) -> str:
    """What the card tells people to type: the commune's first-login page."""
    return absolute_url(commune_domain(commune.slug), FIRST_LOGIN_PATH)


def first_login_url(commune: Commune, username: str) -> str:
    """The first-login page with the login filled in (the QR code of adults' cards)."""
    return f"{first_login_address(commune)}?{urlencode({LOGIN_PARAMETER: username})}"


def qr_login_url(commune: Commune, token: str) -> str:
    """A maternelle pupil's personal login link."""
    path = reverse("qrlogin:login", kwargs={"token": token}, urlconf="config.urls_tenants")
    return absolute_url(commune_domain(commune.slug), path)
