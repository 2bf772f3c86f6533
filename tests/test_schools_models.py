"""Schools: the UAI code and its check letter; one current school year."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django_tenants.utils import schema_context

from apps.schools.models import SchoolYear
from apps.schools.validators import uai_check_letter, validate_uai


@pytest.mark.parametrize(
    "uai", ["0750654D", "0330001X", "0331234A"[:7] + uai_check_letter("0331234")]
)
def test_valid_uai_codes_pass(uai):
    validate_uai(uai)


@pytest.mark.parametrize(
    ("uai", "message"),
    [
        ("0750654E", "la lettre de contrôle de 0750654 est D"),
        ("075065D", "7 chiffres suivis d'une lettre"),
        ("0750654d", "7 chiffres suivis d'une lettre"),
        ("", "7 chiffres suivis d'une lettre"),
        ("07506540", "7 chiffres suivis d'une lettre"),
    ],
)
def test_invalid_uai_codes_are_refused_with_the_reason(uai, message):
    with pytest.raises(ValidationError, match=message):
        validate_uai(uai)


def test_the_check_letter_alphabet_skips_i_o_q():
    letters = {uai_check_letter(f"{n:07d}") for n in range(23)}

    assert len(letters) == 23
    assert not letters & {"I", "O", "Q"}


def test_only_one_school_year_is_current(db):
    with schema_context("bordeaux"):
        SchoolYear.objects.create(
            label="2026-2027",
            starts_on=datetime.date(2026, 9, 1),
            ends_on=datetime.date(2027, 7, 3),
            is_current=True,
        )
        with pytest.raises(IntegrityError):
            SchoolYear.objects.create(
                label="2027-2028",
                starts_on=datetime.date(2027, 9, 1),
                ends_on=datetime.date(2028, 7, 3),
                is_current=True,
            )
