"""API authentication: DRF tokens, but never for an account that has a second factor.

A bearer token carries no proof of a second factor, so it must never open more than a
session would: a session of an account with a confirmed device (any django-otp device — a
teacher or director who enrolled, not only the profiles for which it is mandatory) owes a
code before reaching anything, so such an account is refused outright here, as are the
profiles that must enrol (``requires_two_factor``) and blocked accounts. No endpoint issues
tokens; a token created earlier stops working the moment its owner enrols (and stays
refused after the administrator resets a lost second factor, until the owner enrols again:
see ``account_has_second_factor``).
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from apps.accounts.security.two_factor import account_has_second_factor

REFUSAL_SECOND_FACTOR = (
    "Ce compte est protégé par la double authentification : un jeton d'API ne peut pas la "
    "remplacer. Connectez-vous avec votre mot de passe et votre code."
)
REFUSAL_BLOCKED = "Ce compte est bloqué."


class TwoFactorSafeTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if user.blocked_at is not None:
            raise exceptions.AuthenticationFailed(REFUSAL_BLOCKED)
        if account_has_second_factor(user):
            raise exceptions.AuthenticationFailed(REFUSAL_SECOND_FACTOR)
        return user, token
