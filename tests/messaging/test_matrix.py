"""The compose page accepts exactly the recipients the communication rules allow, for every
ordered pair of the permissions matrix's people (tests/permissions/test_matrix.py), for
persons and for groups; a refused recipient changes nothing. Every group offered holds only
people its sender may write to by ``can_message``."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.accounts.selectors import actors_for
from apps.messaging.groups import members_of, offers_for
from apps.messaging.models import Address, GroupKind, Message
from apps.messaging.rules import NO_SWITCH, Group
from tests.permissions.test_matrix import EVERYONE, MAY_WRITE_TO
from tests.world import World, add_matrix_cast

SCHOOL_KINDS = {
    GroupKind.SCHOOL_DIRECTION,
    GroupKind.SCHOOL_TEACHERS,
    GroupKind.SCHOOL_STAFF,
    GroupKind.SCHOOL_PARENTS,
    GroupKind.SCHOOL_PUPILS,
}
CLASS_KINDS = {GroupKind.CLASS_PARENTS, GroupKind.CLASS_PUPILS}


def expected_groups(world: World) -> dict[str, set[str]]:
    """Each sender's groups, by key: a school's staff get their school's groups and its
    classes'; the administrator every school's; a parent the direction of their child's
    school; pupils and blocked accounts none."""

    def school(key: str) -> set[str]:
        school_id = world.schools[key].pk
        keys = {Group(kind=kind, school_id=school_id).key for kind in SCHOOL_KINDS}
        for classroom in world.classes.values():
            if classroom.school_id == school_id:
                keys |= {
                    Group(kind=kind, school_id=school_id, classroom_id=classroom.pk).key
                    for kind in CLASS_KINDS
                }
        return keys

    def direction(key: str) -> set[str]:
        return {Group(kind=GroupKind.SCHOOL_DIRECTION, school_id=world.schools[key].pk).key}

    a, b = school("A"), school("B")
    return {
        "p1": set(),
        "p2": set(),
        "p3": set(),
        "p4": set(),
        "tX": set(),
        "par1": direction("A"),
        "par3": direction("A"),
        "par4": direction("B"),
        "t1": a,
        "t2": a,
        "dA": a,
        "sA": a,
        "t4": b,
        "dB": b,
        "adm": a | b | school("C"),
    }


@pytest.fixture
def matrix(bordeaux: World) -> World:
    add_matrix_cast(bordeaux)
    return bordeaux


def _saved(world: World, sender: str) -> list[Address]:
    with schema_context(world.schema):
        return list(Address.objects.filter(message__sender=world[sender]).order_by("pk"))


@pytest.mark.parametrize("sender", sorted(EVERYONE))
def test_the_compose_page_accepts_exactly_the_people_the_rules_allow(matrix, as_user, sender):
    client = as_user(matrix, sender)
    for recipient in sorted(EVERYONE - {sender}):
        before = _saved(matrix, sender)
        answer = client.post(
            "/messagerie/ecrire/",
            {"add_people": [matrix[recipient].pk], "subject": "Bonjour", "action": "enregistrer"},
        )
        after = _saved(matrix, sender)
        if recipient in MAY_WRITE_TO[sender]:
            assert answer.status_code == 302, (sender, recipient)
            assert [a.person_id for a in after[len(before) :]] == [matrix[recipient].pk]
        else:
            assert after == before, f"{sender} → {recipient} was stored"
            if sender != "tX":  # a blocked account is sent back to the login page
                assert answer.status_code == 200, (sender, recipient)
                assert "Vous ne pouvez pas écrire" in answer.content.decode()
    with schema_context(matrix.schema):
        drafts = Message.objects.filter(sender=matrix[sender]).count()
    assert drafts == len(MAY_WRITE_TO[sender])


@pytest.mark.parametrize("sender", sorted(EVERYONE))
def test_the_compose_page_offers_and_accepts_exactly_the_groups_the_rules_allow(
    matrix, as_user, sender
):
    expected = expected_groups(matrix)[sender]
    every_group = set().union(*expected_groups(matrix).values())
    client = as_user(matrix, sender)
    page = client.get("/messagerie/ecrire/").content.decode()
    offered = {key for key in every_group if f'value="{key}"' in page}
    assert offered == expected
    for key in sorted(every_group - expected):
        answer = client.post(
            "/messagerie/ecrire/", {"add_groups": [key], "subject": "x", "action": "enregistrer"}
        )
        assert answer.status_code in (200, 302), key
    assert _saved(matrix, sender) == []
    for key in sorted(expected):
        answer = client.post(
            "/messagerie/ecrire/", {"add_groups": [key], "subject": "x", "action": "enregistrer"}
        )
        assert answer.status_code == 302, key
    assert len(_saved(matrix, sender)) == len(expected)


def test_every_group_offered_holds_only_people_its_sender_may_write_to(matrix):
    names = {user.pk: name for name, user in matrix.people.items()}
    with schema_context(matrix.schema):
        users = User.objects.in_bulk([user.pk for user in matrix.people.values()])
        actors = actors_for(users.values())
        for sender, user in sorted(matrix.people.items()):
            for offer in offers_for(actors[user.pk], NO_SWITCH):
                members = {names[m.user_id] for m in members_of(offer.group)} - {sender}
                assert members <= MAY_WRITE_TO[sender], (sender, offer.label)


API = "/api/v1/messages/drafts/"


@pytest.mark.parametrize("sender", sorted(EVERYONE))
def test_the_api_accepts_exactly_the_people_and_groups_the_rules_allow(matrix, as_user, sender):
    client = as_user(matrix, sender)
    groups = expected_groups(matrix)
    every_group = set().union(*groups.values())
    accepted_people, accepted_groups = set(), set()
    for recipient in sorted(EVERYONE - {sender}):
        answer = client.post(
            API, {"recipients": [{"person": matrix[recipient].pk}]}, content_type="application/json"
        )
        if answer.status_code == 201:
            accepted_people.add(recipient)
        else:
            assert answer.status_code in (400, 401, 403), (sender, recipient, answer.status_code)
    for key in sorted(every_group):
        answer = client.post(API, {"recipients": [{"group": key}]}, content_type="application/json")
        if answer.status_code == 201:
            accepted_groups.add(key)
    assert accepted_people == MAY_WRITE_TO[sender]
    assert accepted_groups == groups[sender]
    # A refused recipient wrote nothing: one draft per accepted recipient, no more.
    saved = _saved(matrix, sender)
    assert len(saved) == len(accepted_people) + len(accepted_groups)
