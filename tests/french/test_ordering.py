"""French order: names as a French directory sorts them, in Python and in PostgreSQL alike,
and classes from the youngest level up."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from apps.accounts.selectors import actor_for
from apps.french.ordering import (
    LEVELS,
    classroom_key,
    classroom_order,
    level_rank,
    name_key,
    name_order,
    person_key,
)
from apps.schools.models import Classroom
from apps.schools.selectors import classroom_listing, person_listing
from tests.world import World

# The order a French reader expects; the C collation of the database would put "Zoé" before
# "de La Tour" and "Émile" after everything.
FRENCH_ORDER = [
    "Aubert",
    "d'Artagnan",
    "de La Tour",
    "Delacroix",
    "Dupont",
    "Eluard",
    "Émile",
    "Ernaux",
    "Œuvray",
    "Zoé",
    "Zola",
]


def test_the_python_key_ignores_case_and_accents() -> None:
    assert sorted(reversed(FRENCH_ORDER), key=name_key) == FRENCH_ORDER
    assert name_key("Émile")[0] == name_key("emile")[0]
    # Ties on the folded form are broken by the raw text: the order is total and stable.
    assert sorted(["Émile", "Emile", "emile"], key=name_key) == ["Emile", "emile", "Émile"]


def test_a_person_sorts_by_last_name_then_first_name_then_login() -> None:
    people = [
        SimpleNamespace(last_name="Évrard", first_name="Zoé", username="b"),
        SimpleNamespace(last_name="evrard", first_name="Ælis", username="c"),
        SimpleNamespace(last_name="Dumas", first_name="Yves", username="a"),
    ]
    assert [p.username for p in sorted(people, key=person_key)] == ["a", "c", "b"]


def test_levels_go_from_the_youngest_up() -> None:
    assert LEVELS == ("TPS", "PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2")
    assert level_rank("CE1") < level_rank("CE2") < level_rank("CM1")
    assert level_rank("??") == len(LEVELS)
    classes = [
        SimpleNamespace(name="CM2 B", levels=["CM2"]),
        SimpleNamespace(name="CE2-CM1", levels=["CE2", "CM1"]),
        SimpleNamespace(name="CP B", levels=["CP"]),
        SimpleNamespace(name="CP A", levels=["CP"]),
        SimpleNamespace(name="CE1", levels=["CE1"]),
        SimpleNamespace(name="ULIS", levels=[]),
    ]
    assert [c.name for c in sorted(classes, key=classroom_key)] == [
        "CP A",
        "CP B",
        "CE1",
        "CE2-CM1",
        "CM2 B",
        "ULIS",
    ]


@pytest.mark.django_db
def test_postgresql_orders_names_like_the_python_key(bordeaux: World) -> None:
    with schema_context("bordeaux"):
        User.objects.bulk_create(
            User(username=f"tri{n}", last_name=name, first_name="X", profile=Profile.PUPIL)
            for n, name in enumerate(reversed(FRENCH_ORDER))
        )
        ordered = list(
            User.objects.filter(username__startswith="tri")
            .order_by(*name_order("last_name"))
            .values_list("last_name", flat=True)
        )
    assert ordered == FRENCH_ORDER


@pytest.mark.django_db
def test_the_listings_use_the_french_order(bordeaux: World) -> None:
    with schema_context("bordeaux"):
        school = bordeaux.schools["A"]
        for name, levels in [("CM2 A3", ["CM2"]), ("CE2-CM1 A4", ["CE2", "CM1"])]:
            Classroom.objects.create(school=school, year=bordeaux.year, name=name, levels=levels)
        for n, last in enumerate(["Zoé", "Émile", "de La Tour"]):
            User.objects.create(username=f"ordre{n}", last_name=last, profile=Profile.TEACHER)
        actor = actor_for(bordeaux["adm"])

        classes = [c.name for c in classroom_listing(actor) if c.school_id == school.pk]
        names = [p.last_name for p in person_listing(actor)]
        by_sql = list(Classroom.objects.order_by(*classroom_order()))
        by_python = sorted(
            Classroom.objects.all(), key=lambda c: (name_key(c.school.name), classroom_key(c))
        )

    assert classes == ["CP A1", "CE1 A2", "CE2-CM1 A4", "CM2 A3"]
    assert names == sorted(names, key=name_key)
    assert names.index("de La Tour") < names.index("Émile") < names.index("Zoé")
    assert by_sql == by_python
