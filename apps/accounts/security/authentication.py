"""API authentication: DRF tokens, but never for accounts that require two-factor.

Administrators and coordinators must give a second factor in their browser session; a
long-lived bearer token would skip it, so their tokens are refused outright (and no
endpoint issues them one). Blocked accounts are refused too.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


class TwoFactorSafeTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if user.requires_two_factor:
            raise exceptions.AuthenticationFailed(
                "Ce compte ne peut pas utiliser de jeton d'API : connectez-vous avec la "
                "double authentification."
            )
        if user.blocked_at is not None:
            raise exceptions.AuthenticationFailed("Ce compte est bloqué.")
        return user, token
