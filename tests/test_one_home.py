"""Rules with one home: a current enrolment, a parent's children, a new account."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.hashers import is_password_usable
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from apps.accounts.lifecycle import ACTIVATION_ALPHABET
from apps.accounts.models import Profile, User
from apps.accounts.selectors import actor_for
from apps.accounts.services import account_build, account_create, accounts_bulk_create
from apps.schools.models import (
    Classroom,
    Enrolment,
    EnrolmentStatus,
    GuardianKind,
    Guardianship,
    SchoolYear,
    current_enrolment,
)
from apps.schools.selectors import children_of

# --- a current enrolment ------------------------------------------------------------------------


def _statuses(world) -> None:
    Enrolment.objects.filter(pupil=world["p2"]).update(status=EnrolmentStatus.LEAVING)
    Enrolment.objects.filter(pupil=world["p3"]).update(status=EnrolmentStatus.LEFT)


def test_a_current_enrolment_is_enrolled_or_leaving(bordeaux):
    with schema_context("bordeaux"):
        _statuses(bordeaux)
        current = set(Enrolment.objects.current().values_list("pupil__username", flat=True))

    assert current == {"bordeaux.p1", "bordeaux.p2", "bordeaux.p4"}


def test_this_year_leaves_out_the_enrolments_of_other_years(bordeaux):
    with schema_context("bordeaux"):
        past = SchoolYear.objects.create(
            label="2025-2026",
            starts_on=datetime.date(2025, 9, 1),
            ends_on=datetime.date(2026, 7, 4),
        )
        old_class = Classroom.objects.create(
            school=bordeaux.schools["A"], year=past, name="GS ancienne", levels=["GS"]
        )
        Enrolment.objects.create(pupil=bordeaux["p1"], classroom=old_class, year=past)

        this_year = set(Enrolment.objects.this_year().values_list("classroom__name", flat=True))
        every_year = set(Enrolment.objects.current().values_list("classroom__name", flat=True))

    assert "GS ancienne" in every_year
    assert "GS ancienne" not in this_year
    assert this_year == {"CP A1", "CE1 A2", "GS B1"}


def test_across_a_join_the_rule_and_the_class_hold_for_the_same_enrolment(bordeaux):
    """p3 left A2 last year and is in A1 now: "current pupil of A2" must not match them."""
    with schema_context("bordeaux"):
        past = SchoolYear.objects.create(
            label="2025-2026",
            starts_on=datetime.date(2025, 9, 1),
            ends_on=datetime.date(2026, 7, 4),
        )
        Enrolment.objects.filter(pupil=bordeaux["p3"]).update(classroom=bordeaux.classes["A1"])
        Enrolment.objects.create(
            pupil=bordeaux["p3"],
            classroom=bordeaux.classes["A2"],
            year=past,
            status=EnrolmentStatus.LEFT,
        )

        in_a2 = set(
            User.objects.filter(
                current_enrolment("enrolments"), enrolments__classroom=bordeaux.classes["A2"]
            ).values_list("username", flat=True)
        )
        in_a1 = set(
            User.objects.filter(
                current_enrolment("enrolments"), enrolments__classroom=bordeaux.classes["A1"]
            ).values_list("username", flat=True)
        )

    assert in_a2 == set()
    assert in_a1 == {"bordeaux.p1", "bordeaux.p2", "bordeaux.p3"}


# --- a parent's children ------------------------------------------------------------------------


def test_children_alone_cost_one_query_and_come_by_first_name(bordeaux, django_assert_num_queries):
    with schema_context("bordeaux"):
        Guardianship.objects.create(
            guardian=bordeaux["par1"], child=bordeaux["p2"], kind=GuardianKind.LEGAL_1
        )
        actor = actor_for(bordeaux["par1"])
        with django_assert_num_queries(1):
            children = children_of(actor, with_class=False)

    assert [child.first_name for child in children] == ["Paul", "Pia"]
    assert not hasattr(children[0], "current_class")


def test_children_come_with_their_current_class_and_its_teachers(bordeaux):
    with schema_context("bordeaux"):
        children = children_of(actor_for(bordeaux["par1"]))

    (child,) = children
    assert child.current_class == bordeaux.classes["A1"]
    assert [t.username for t in child.current_class.visible_teachers] == ["bordeaux.t1"]


def test_a_child_who_left_has_no_current_class(bordeaux):
    with schema_context("bordeaux"):
        Enrolment.objects.filter(pupil=bordeaux["p1"]).update(status=EnrolmentStatus.LEFT)
        (child,) = children_of(actor_for(bordeaux["par1"]))

    assert child.current_class is None


def test_someone_with_no_child_costs_no_query(bordeaux, django_assert_num_queries):
    with schema_context("bordeaux"):
        actor = actor_for(bordeaux["t1"])
        with django_assert_num_queries(0):
            assert children_of(actor) == []


# --- a new account ------------------------------------------------------------------------------


def test_an_account_to_activate_gets_a_card_code_and_no_usable_password():
    user = account_build(profile=Profile.PUPIL, with_activation_code=True, first_name="Léa")

    assert user.pk is None and user.username == ""
    assert len(user.activation_code) == 8 and set(user.activation_code) <= set(ACTIVATION_ALPHABET)
    assert not is_password_usable(user.password)
    assert user.activated_at is None


def test_an_account_without_code_or_password_cannot_log_in():
    user = account_build(profile=Profile.COMMUNE_ADMIN, username="maire@example.fr")

    assert user.activation_code == ""
    assert not is_password_usable(user.password)


def test_an_account_with_a_password_can_use_it():
    user = account_build(profile=Profile.TEACHER, username="t", password="Un mot de passe sûr 42")

    assert user.check_password("Un mot de passe sûr 42")


def test_a_code_and_a_password_together_are_refused():
    with pytest.raises(ValueError):
        account_build(profile=Profile.TEACHER, password="x", with_activation_code=True)


def test_account_create_validates_before_saving(bordeaux):
    with schema_context("bordeaux"):
        before = User.objects.count()
        with pytest.raises(ValidationError) as error:
            account_create(profile=Profile.STAFF, username="bordeaux.t1", civility="Dr")
        after = User.objects.count()

    assert {"username", "civility"} <= set(error.value.error_dict)
    assert after == before


def test_account_create_saves_a_valid_account(bordeaux):
    with schema_context("bordeaux"):
        user = account_create(
            profile=Profile.STAFF, username="atsem.nouvelle", with_activation_code=True
        )
        stored = User.objects.get(pk=user.pk)

    assert stored.profile == Profile.STAFF
    assert stored.activation_code == user.activation_code != ""


def test_accounts_bulk_create_saves_them_in_one_statement(bordeaux, django_assert_num_queries):
    users = [
        account_build(profile=Profile.PUPIL, username=f"lot.{n}", with_activation_code=True)
        for n in range(5)
    ]
    with schema_context("bordeaux"):
        with django_assert_num_queries(1):
            saved = accounts_bulk_create(users)
        stored = User.objects.filter(username__startswith="lot.").count()

    assert all(user.pk is not None for user in saved)
    assert stored == 5
