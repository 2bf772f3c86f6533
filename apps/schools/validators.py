"""Identifiers of the Éducation nationale: the UAI code of a school."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

UAI_RE = re.compile(r"^(\d{7})([A-Z])$")
# The check letter is the 7-digit number modulo 23, read in this alphabet (no I, O, Q).
UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
HEX_COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


def normalise_uai(uai: str) -> str:
    """A UAI as typed (spaces, lower case) in the form it is stored."""
    return (uai or "").strip().upper()


def uai_check_letter(digits: str) -> str:
    return UAI_LETTERS[int(digits) % 23]


def validate_uai(value: str) -> None:
    match = UAI_RE.match(value or "")
    if not match:
        raise ValidationError(
            "Code UAI invalide : 7 chiffres suivis d'une lettre (ex. 0330001W).",
            code="invalid_uai",
        )
    digits, letter = match.groups()
    expected = uai_check_letter(digits)
    if letter != expected:
        raise ValidationError(
            f"Code UAI invalide : la lettre de contrôle de {digits} est {expected}, pas {letter}.",
            code="uai_check_letter",
        )


def validate_hex_colour(value: str) -> None:
    if not HEX_COLOUR_RE.match(value or ""):
        raise ValidationError("Couleur invalide : format #RRVVBB attendu.", code="invalid_colour")
