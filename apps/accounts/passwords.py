"""Password policy by profile: adults get the full policy, pupils a simple one.

Pupils are 3 to 11 years old and often type their password from a card: six characters,
letters and digits welcome, no other rule — their teacher resets it when it is forgotten.
Every other account (parents, staff, administrators, coordinators) gets the validators
listed in ``adult_validators``. An account whose profile is unknown (``user=None``) is held
to the adult policy.

``ProfileAwarePasswordValidator`` is the single entry of ``AUTH_PASSWORD_VALIDATORS``, so
every Django form and ``validate_password`` call goes through it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import get_password_validators
from django.core.exceptions import ValidationError

PUPIL_MIN_LENGTH = 6


def _is_pupil(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_pupil", False))


class ProfileAwarePasswordValidator:
    def __init__(
        self,
        adult_validators: list[dict[str, Any]] | None = None,
        pupil_min_length: int = PUPIL_MIN_LENGTH,
    ) -> None:
        self.adult_validators = get_password_validators(adult_validators or [])
        self.pupil_min_length = pupil_min_length

    def validate(self, password: str, user: Any = None) -> None:
        if _is_pupil(user):
            if len(password) < self.pupil_min_length:
                raise ValidationError(
                    "Le mot de passe doit contenir au moins %(min_length)d caractères.",
                    code="password_too_short",
                    params={"min_length": self.pupil_min_length},
                )
            return
        errors: list[ValidationError] = []
        for validator in self.adult_validators:
            try:
                validator.validate(password, user)
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)

    def password_changed(self, password: str, user: Any = None) -> None:
        if _is_pupil(user):
            return
        for validator in self.adult_validators:
            changed = getattr(validator, "password_changed", None)
            if changed is not None:
                changed(password, user)

    def get_help_text(self) -> str:
        return " ".join(str(v.get_help_text()) for v in self.adult_validators)


def password_rules_for(user: Any) -> str:
    """The rules in one French sentence, for the form that sets ``user``'s password."""
    if _is_pupil(user):
        return f"Au moins {PUPIL_MIN_LENGTH} caractères (lettres et chiffres)."
    return (
        "Au moins 12 caractères, pas uniquement des chiffres, ni un mot de passe courant, "
        "ni trop proche de votre nom ou de votre identifiant."
    )
