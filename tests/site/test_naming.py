"""A school's name inside a French sentence (apps.site.naming)."""

import pytest

from apps.site.naming import of_school


@pytest.mark.parametrize(
    "name, of",
    [
        ("École des Tilleuls", "de l'école des Tilleuls"),
        ("école A", "de l'école A"),
        ("Jean Jaurès", "de l'école Jean Jaurès"),
        ("Groupe scolaire Pasteur", "du groupe scolaire Pasteur"),
    ],
)
def test_a_school_name_in_a_sentence(name, of):
    assert of_school(name) == of
