"""Audiences: resolution to pupils, guardians and staff in one query each, whatever the size
of the audience, and the pure ``may_see`` rule (in the Bordeaux test world, tests/world.py:
École A has A1 = p1, p2 taught by t1 and A2 = p3 taught by t2, directed by dA; École B has
B1 = p4, taught by t4; par1, par3 and par4 are the parents of p1, p3 and p4)."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from apps.accounts.permissions import Actor
from apps.accounts.selectors import actors_for
from apps.audiences import Audience, Scope
from apps.audiences.permissions import may_see
from apps.audiences.selectors import audience_guardians, audience_pupils, audience_staff
from apps.schools.models import Guardianship
from tests.world import World, add_pupils


def _class(world: World, name: str = "A1") -> Audience:
    classroom = world.classes[name]
    return Audience.of_class(school_id=classroom.school_id, classroom_id=classroom.pk)


def _ids(world: World, *names: str) -> set[int]:
    return {world[name].pk for name in names}


def test_a_class_resolves_to_its_pupils_their_guardians_and_its_teachers(bordeaux):
    with schema_context(bordeaux.schema):
        audience = _class(bordeaux)
        assert {pupil for pupil, _class_id in audience_pupils(audience)} == _ids(
            bordeaux, "p1", "p2"
        )
        assert audience_guardians(audience) == [(bordeaux["par1"].pk, bordeaux["p1"].pk)]
        assert set(audience_staff(audience)) == _ids(bordeaux, "t1")


def test_chosen_pupils_a_school_a_person_and_staff(bordeaux):
    with schema_context(bordeaux.schema):
        a1 = bordeaux.classes["A1"]
        chosen = Audience.of_pupils(
            school_id=a1.school_id, classroom_id=a1.pk, pupil_ids=[bordeaux["p2"].pk]
        )
        assert [pupil for pupil, _ in audience_pupils(chosen)] == [bordeaux["p2"].pk]
        assert audience_guardians(chosen) == []

        school = Audience.of_school(bordeaux.schools["A"].pk)
        assert {pupil for pupil, _ in audience_pupils(school)} == _ids(bordeaux, "p1", "p2", "p3")
        assert set(audience_staff(school)) == _ids(bordeaux, "t1", "t2", "dA")

        person = Audience.of_person(bordeaux["par3"].pk)
        assert audience_pupils(person) == [] and audience_staff(person) == []

        staff = Audience.of_staff(
            school_id=bordeaux.schools["A"].pk, user_ids=_ids(bordeaux, "t1", "t4")
        )
        assert audience_staff(staff) == [bordeaux["t1"].pk]  # t4 works in École B
        assert audience_pupils(staff) == []


def test_guardians_without_parental_authority_are_left_out_on_request(bordeaux):
    with schema_context(bordeaux.schema):
        Guardianship.objects.filter(guardian=bordeaux["par1"]).update(parental_authority=False)
        audience = _class(bordeaux)
        assert audience_guardians(audience) == [(bordeaux["par1"].pk, bordeaux["p1"].pk)]
        assert audience_guardians(audience, with_authority_only=True) == []


@pytest.mark.parametrize("more", [0, 30])
def test_each_resolution_is_one_query_whatever_the_size(bordeaux, django_assert_num_queries, more):
    add_pupils(bordeaux, more)
    with schema_context(bordeaux.schema):
        for audience in (_class(bordeaux), Audience.of_school(bordeaux.schools["A"].pk)):
            with django_assert_num_queries(1):
                pupils = audience_pupils(audience)
            with django_assert_num_queries(1):
                guardians = audience_guardians(audience)
            with django_assert_num_queries(1):
                audience_staff(audience)
            assert len(pupils) >= 2 + more and len(guardians) >= 1 + more


def test_an_audience_names_what_its_scope_needs():
    with pytest.raises(ValueError):
        Audience(Scope.CLASS, school_id=1)
    with pytest.raises(ValueError):
        Audience(Scope.PUPILS, school_id=1, classroom_id=2)
    with pytest.raises(ValueError):
        Audience(Scope.PERSON, user_ids=frozenset({1, 2}))
    assert Audience.of_person(3) == Audience(Scope.PERSON, user_ids=frozenset({3}))


# --- may_see: pure, on Actor ---------------------------------------------------------------

SCHOOL, OTHER_SCHOOL, CLASS, OTHER_CLASS = 10, 11, 100, 101
PUPIL = Actor(id=1, profile="pupil", class_ids=frozenset({CLASS}), school_ids=frozenset({SCHOOL}))
OTHER_PUPIL = Actor(
    id=2, profile="pupil", class_ids=frozenset({OTHER_CLASS}), school_ids=frozenset({SCHOOL})
)
PARENT = Actor(
    id=3,
    profile="parent",
    child_ids=frozenset({1}),
    class_ids=frozenset({CLASS}),
    school_ids=frozenset({SCHOOL}),
)
TEACHER = Actor(
    id=4, profile="teacher", taught_class_ids=frozenset({CLASS}), school_ids=frozenset({SCHOOL})
)
OTHER_TEACHER = Actor(
    id=5,
    profile="teacher",
    taught_class_ids=frozenset({OTHER_CLASS}),
    school_ids=frozenset({SCHOOL}),
)
DIRECTOR = Actor(
    id=6,
    profile="director",
    directed_school_ids=frozenset({SCHOOL}),
    school_ids=frozenset({SCHOOL}),
)
ELSEWHERE = Actor(
    id=7,
    profile="director",
    directed_school_ids=frozenset({OTHER_SCHOOL}),
    school_ids=frozenset({OTHER_SCHOOL}),
)
ADMIN = Actor(id=8, profile="commune_admin")

CLASS_AUDIENCE = Audience.of_class(school_id=SCHOOL, classroom_id=CLASS)
CHOSEN_OTHER = Audience.of_pupils(school_id=SCHOOL, classroom_id=CLASS, pupil_ids=[9])
SCHOOL_AUDIENCE = Audience.of_school(SCHOOL)
PERSON = Audience.of_person(3)
STAFF = Audience.of_staff(school_id=SCHOOL, user_ids=[5])

MATRIX = {
    # audience: the actors who may see it (every other one may not)
    CLASS_AUDIENCE: {PUPIL, PARENT, TEACHER, DIRECTOR},
    CHOSEN_OTHER: {TEACHER, DIRECTOR},
    SCHOOL_AUDIENCE: {PUPIL, OTHER_PUPIL, PARENT, TEACHER, OTHER_TEACHER, DIRECTOR},
    PERSON: {PARENT},
    STAFF: {OTHER_TEACHER, DIRECTOR},
}
EVERYONE = [PUPIL, OTHER_PUPIL, PARENT, TEACHER, OTHER_TEACHER, DIRECTOR, ELSEWHERE, ADMIN]


@pytest.mark.parametrize("audience", list(MATRIX), ids=lambda a: a.scope)
def test_who_may_see_what_is_addressed_to_an_audience(audience):
    allowed = {actor.id for actor in MATRIX[audience]}
    assert {actor.id for actor in EVERYONE if may_see(actor, audience)} == allowed


def test_an_inactive_account_sees_nothing():
    blocked = Actor(id=3, profile="parent", active=False, child_ids=frozenset({1}))
    assert not may_see(blocked, PERSON)


def test_may_see_agrees_with_the_resolution_in_the_world(bordeaux):
    with schema_context(bordeaux.schema):
        audience = _class(bordeaux)
        hearing = {pupil for pupil, _ in audience_pupils(audience)}
        hearing |= {guardian for guardian, _ in audience_guardians(audience)}
        hearing |= set(audience_staff(audience))
        people = [bordeaux[name] for name in ("p1", "p2", "p3", "par1", "par3", "t1", "t2")]
        actors = actors_for(people)
    assert {user.pk for user in people if may_see(actors[user.pk], audience)} == hearing
