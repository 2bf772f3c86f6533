"""Validators for public-invoicing data and budget imputations."""

from __future__ import annotations

from django.core.exceptions import ValidationError

# Nature articles of the M57/M14 nomenclature that the groupement's orders may be imputed to.
NATURE_ARTICLES = ("2031", "232", "611", "6156", "6184", "617", "6182")


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_siret(value: str) -> None:
    if len(value) != 14 or not value.isdigit():
        raise ValidationError("Le SIRET compte exactement 14 chiffres.", code="siret_format")
    if not luhn_is_valid(value):
        raise ValidationError("Ce SIRET n'est pas valide (clé de Luhn).", code="siret_luhn")


def validate_nature_article(value: str) -> None:
    if value not in NATURE_ARTICLES:
        raise ValidationError(
            "Article de nature non autorisé : %(value)s.", code="nature", params={"value": value}
        )


def validate_rubrique(value: str) -> None:
    if not value or not value.isdigit() or len(value) > 4:
        raise ValidationError(
            "Rubrique fonctionnelle invalide : %(value)s.", code="rubrique", params={"value": value}
        )
