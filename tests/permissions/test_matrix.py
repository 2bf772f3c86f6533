"""The communication rules, for every ordered pair of people in a small commune.

The world (tests/world.py's Bordeaux, with ``add_matrix_cast``): school A (classes A1 —
where pupils may write to one another — and A2) and school B (class B1); school C has no
class. Pupils p1, p2 in A1, p3 in A2, p4 in B1; parents par1 (of p1), par3 (of p3), par4
(of p4, without parental authority); teachers t1 (A1), t2 (A2), t4 (B1); directors dA, dB;
sA, an ATSEM of school A; adm, the commune administrator; tX, a blocked teacher of school A.

The same table is checked twice: on hand-built Actors (the rules alone), and on Actors the
selectors compute from a real commune schema (rules + relations).
"""

from __future__ import annotations

import itertools

import pytest
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from apps.accounts.permissions import (
    Actor,
    can_act_for_child,
    can_edit_school_site,
    can_manage_account,
    can_message,
    can_view_person,
    may_send_external_email,
)
from apps.accounts.selectors import actors_for
from tests.world import add_matrix_cast, build_world

SCHOOL_A = {"p1", "p2", "p3", "par1", "par3", "t1", "t2", "dA", "sA"}
SCHOOL_B = {"p4", "par4", "t4", "dB"}
EVERYONE = SCHOOL_A | SCHOOL_B | {"adm", "tX"}

MAY_WRITE_TO = {
    "p1": {"t1", "p2"},
    "p2": {"t1", "p1"},
    "p3": {"t2"},
    "p4": {"t4"},
    "par1": {"t1", "dA"},
    "par3": {"t2", "dA"},
    "par4": {"t4", "dB"},
    "t1": SCHOOL_A - {"t1"} | {"adm"},
    "t2": SCHOOL_A - {"t2"} | {"adm"},
    "dA": SCHOOL_A - {"dA"} | {"adm"},
    "sA": SCHOOL_A - {"sA"} | {"adm"},
    "t4": SCHOOL_B - {"t4"} | {"adm"},
    "dB": SCHOOL_B - {"dB"} | {"adm"},
    "adm": EVERYONE - {"adm", "tX"},
    "tX": set(),
}

MAY_MANAGE = {
    "t1": {"p1", "p2", "par1"},
    "t2": {"p3", "par3"},
    "t4": {"p4", "par4"},
    # Directors (and the administrator) can unblock a blocked teacher of their school.
    "dA": SCHOOL_A - {"dA"} | {"tX"},
    "dB": SCHOOL_B - {"dB"},
    "adm": EVERYONE - {"adm"},
}

MAY_SEE = {
    "p1": {"p1", "p2", "t1"},
    "p2": {"p2", "p1", "t1"},
    "p3": {"p3", "t2"},
    "p4": {"p4", "t4"},
    "par1": {"par1", "p1", "t1", "dA"},
    "par3": {"par3", "p3", "t2", "dA"},
    "par4": {"par4", "p4", "t4", "dB"},
    "t1": SCHOOL_A | {"tX"},
    "t2": SCHOOL_A | {"tX"},
    "dA": SCHOOL_A | {"tX"},
    "sA": SCHOOL_A | {"tX"},
    "t4": SCHOOL_B,
    "dB": SCHOOL_B,
    "adm": EVERYONE,
    "tX": {"tX"},
}

A, B = 1, 2
A1, A2, B1 = 11, 12, 21


def hand_built_world() -> dict[str, Actor]:
    ids = {name: number for number, name in enumerate(sorted(EVERYONE), start=100)}

    def actor(name: str, profile: str, **relations: set[int]) -> Actor:
        active = relations.pop("active", None) is None  # `active=set()` marks a blocked account
        fields = {key: frozenset(value) for key, value in relations.items()}
        return Actor(id=ids[name], profile=profile, active=active, **fields)

    return {
        "p1": actor(
            "p1",
            Profile.PUPIL,
            class_ids={A1},
            school_ids={A},
            peer_messaging_class_ids={A1},
            guardian_ids={ids["par1"]},
        ),
        "p2": actor(
            "p2", Profile.PUPIL, class_ids={A1}, school_ids={A}, peer_messaging_class_ids={A1}
        ),
        "p3": actor(
            "p3", Profile.PUPIL, class_ids={A2}, school_ids={A}, guardian_ids={ids["par3"]}
        ),
        "p4": actor(
            "p4", Profile.PUPIL, class_ids={B1}, school_ids={B}, guardian_ids={ids["par4"]}
        ),
        "par1": actor(
            "par1",
            Profile.PARENT,
            class_ids={A1},
            school_ids={A},
            child_ids={ids["p1"]},
            authority_child_ids={ids["p1"]},
        ),
        "par3": actor(
            "par3",
            Profile.PARENT,
            class_ids={A2},
            school_ids={A},
            child_ids={ids["p3"]},
            authority_child_ids={ids["p3"]},
        ),
        "par4": actor(
            "par4", Profile.PARENT, class_ids={B1}, school_ids={B}, child_ids={ids["p4"]}
        ),
        "t1": actor("t1", Profile.TEACHER, class_ids={A1}, taught_class_ids={A1}, school_ids={A}),
        "t2": actor("t2", Profile.TEACHER, class_ids={A2}, taught_class_ids={A2}, school_ids={A}),
        "t4": actor("t4", Profile.TEACHER, class_ids={B1}, taught_class_ids={B1}, school_ids={B}),
        "dA": actor("dA", Profile.DIRECTOR, school_ids={A}, directed_school_ids={A}),
        "dB": actor("dB", Profile.DIRECTOR, school_ids={B}, directed_school_ids={B}),
        "sA": actor("sA", Profile.STAFF, school_ids={A}),
        "adm": actor("adm", Profile.COMMUNE_ADMIN),
        "tX": actor("tX", Profile.TEACHER, school_ids={A}, active=set()),
    }


def database_world() -> dict[str, Actor]:
    """The same commune: the Bordeaux test world (tests/world.py) with the matrix's people,
    written to Bordeaux's schema; Actors come from the selectors."""
    world = build_world("bordeaux")
    add_matrix_cast(world)
    with schema_context("bordeaux"):
        users = User.objects.in_bulk([user.pk for user in world.people.values()])
        by_id = actors_for(users.values())
    return {name: by_id[user.pk] for name, user in world.people.items()}


def check_matrix(world: dict[str, Actor]) -> None:
    assert set(world) == EVERYONE
    for sender, recipient in itertools.permutations(sorted(EVERYONE), 2):
        expected = recipient in MAY_WRITE_TO[sender]
        got = can_message(sender=world[sender], recipient=world[recipient])
        assert got == expected, f"{sender} → {recipient}: expected {expected}"
    for actor_name, target in itertools.permutations(sorted(EVERYONE), 2):
        expected = target in MAY_MANAGE.get(actor_name, set())
        got = can_manage_account(actor=world[actor_name], target=world[target])
        assert got == expected, f"{actor_name} manages {target}: expected {expected}"
    for viewer, person in itertools.product(sorted(EVERYONE), repeat=2):
        expected = person in MAY_SEE[viewer]
        got = can_view_person(viewer=world[viewer], person=world[person])
        assert got == expected, f"{viewer} sees {person}: expected {expected}"


def test_communication_rules_matrix_on_the_rules_alone():
    check_matrix(hand_built_world())


def test_communication_rules_matrix_on_a_real_commune(db):
    with schema_context("bordeaux"):
        world = database_world()

    check_matrix(world)


@pytest.mark.parametrize("name", sorted(EVERYONE))
def test_only_adults_send_external_email(name):
    world = hand_built_world()

    assert may_send_external_email(actor=world[name]) == (
        name not in {"p1", "p2", "p3", "p4", "tX"}
    )


def test_only_a_parent_with_authority_acts_for_the_child():
    world = hand_built_world()

    assert can_act_for_child(parent=world["par1"], child_id=world["p1"].id)
    assert not can_act_for_child(parent=world["par1"], child_id=world["p3"].id)
    assert not can_act_for_child(parent=world["par4"], child_id=world["p4"].id)


# Whose school site each person edits (apps/site): the school's director, the commune's
# administrator; never a teacher, an ATSEM, a parent, a pupil, nor a blocked account.
MAY_EDIT_SITE = {"dA": {"A"}, "dB": {"B"}, "adm": {"A", "B"}}


@pytest.mark.parametrize("name", sorted(EVERYONE))
def test_only_the_director_and_the_administrator_edit_a_school_site(name):
    world = hand_built_world()

    for school, school_id in (("A", A), ("B", B)):
        expected = school in MAY_EDIT_SITE.get(name, set())
        got = can_edit_school_site(actor=world[name], school_id=school_id)
        assert got == expected, f"{name} edits the site of {school}: expected {expected}"


def test_actors_cost_a_constant_number_of_queries(db, django_assert_max_num_queries):
    with schema_context("bordeaux"):
        database_world()
        users = list(User.objects.all())
        with django_assert_max_num_queries(6):
            actors_for(users)
