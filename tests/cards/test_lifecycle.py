"""Activation codes, and the end of leavers' accounts: deactivation, then purge."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts import tasks
from apps.accounts.lifecycle import (
    ACTIVATION_ALPHABET,
    AccountStatus,
    account_status,
    issue_activation_code,
    leavers_deactivate,
    leavers_purge,
)
from apps.accounts.models import Profile, User
from apps.audit.models import AuditEvent
from apps.schools.models import (
    Classroom,
    Enrolment,
    EnrolmentStatus,
    GuardianKind,
    Guardianship,
    SchoolYear,
)
from tenants.models import Commune, CommuneStatus
from tests.world import World, add_person

AFTER_YEAR_END = datetime.date(2027, 7, 10)
NOON = datetime.datetime(2027, 7, 10, 12, 0, tzinfo=datetime.UTC)


# --- activation codes -------------------------------------------------------------------------


def test_an_activation_code_is_8_unambiguous_characters_and_no_password(db):
    with schema_context("bordeaux"):
        user = User.objects.create(username="lea.martin", profile=Profile.PUPIL)
        user.set_password("un ancien mot de passe")
        user.activated_at = timezone.now()
        user.save()

        code = issue_activation_code(user)
        stored = User.objects.get(pk=user.pk)

    assert len(code) == 8 and set(code) <= set(ACTIVATION_ALPHABET)
    assert not set("01OI") & set(ACTIVATION_ALPHABET)
    assert stored.activation_code == code
    assert not stored.has_usable_password()
    assert stored.activated_at is None
    assert account_status(stored) == AccountStatus.TO_ACTIVATE


def test_a_reissued_code_replaces_the_old_one(db):
    with schema_context("bordeaux"):
        user = User.objects.create(username="tom.petit", profile=Profile.PARENT)
        codes = {issue_activation_code(user) for _ in range(20)}
        stored = User.objects.get(pk=user.pk)

    assert len(codes) == 20
    assert stored.activation_code in codes


# --- leavers ----------------------------------------------------------------------------------


def next_year() -> SchoolYear:
    return SchoolYear.objects.create(
        label="2027-2028", starts_on=datetime.date(2027, 9, 1), ends_on=datetime.date(2028, 7, 4)
    )


def set_status(pupil: User, status: str) -> None:
    Enrolment.objects.filter(pupil=pupil).update(status=status)


def reload(*people: User) -> list[User | None]:
    found = User.objects.in_bulk([p.pk for p in people])
    return [found.get(p.pk) for p in people]


def test_leavers_without_a_next_year_enrolment_are_deactivated_with_lone_parents(world):
    w: World = world
    staying, leaving, left = w.pupils["A1"]
    moving_up = w.pupils["A2"][0]
    with schema_context("bordeaux"):
        later = next_year()
        set_status(leaving, EnrolmentStatus.LEAVING)
        set_status(left, EnrolmentStatus.LEFT)
        set_status(moving_up, EnrolmentStatus.LEAVING)
        cm1 = Classroom.objects.create(
            school=w.schools["A"], year=later, name="CE2", levels=["CE2"]
        )
        Enrolment.objects.create(pupil=moving_up, classroom=cm1, year=later)
        # The parent of `left` also has `staying` at school: they keep their access.
        Guardianship.objects.create(
            guardian=w.parents[left.pk], child=staying, kind=GuardianKind.LEGAL_2
        )

        result = leavers_deactivate(today=AFTER_YEAR_END, now=NOON)
        again = leavers_deactivate(today=AFTER_YEAR_END, now=NOON)

        (staying_, leaving_, left_, moving_up_) = reload(staying, leaving, left, moving_up)
        parent_of_leaving, parent_of_left = reload(w.parents[leaving.pk], w.parents[left.pk])
        event = AuditEvent.objects.get(action="accounts.leavers_deactivated")

    assert (result.year, result.pupils, result.parents) == ("2026-2027", 2, 1)
    assert (again.pupils, again.parents) == (0, 0)
    for gone in (leaving_, left_, parent_of_leaving):
        assert gone is not None
        assert gone.left_at == NOON and not gone.is_active and gone.activation_code == ""
    for kept in (staying_, moving_up_, parent_of_left):
        assert kept is not None and kept.left_at is None and kept.is_active
    assert event.details == {"year": "2026-2027", "pupils": 2, "parents": 1}


def test_nothing_is_deactivated_before_the_year_ends(world):
    with schema_context("bordeaux"):
        set_status(world.pupils["A1"][0], EnrolmentStatus.LEAVING)

        result = leavers_deactivate(today=datetime.date(2027, 7, 3))

        assert result.pupils == 0
        assert not User.objects.filter(left_at__isnull=False).exists()


def make_leaver(world: World, name: str, left_at: datetime.datetime) -> tuple[User, User]:
    pupil = add_person(world, f"{name}.eleve", Profile.PUPIL)
    parent = add_person(world, f"{name}.parent", Profile.PARENT)
    Enrolment.objects.create(
        pupil=pupil, classroom=world.classes["A1"], year=world.year, status=EnrolmentStatus.LEFT
    )
    Guardianship.objects.create(guardian=parent, child=pupil, kind=GuardianKind.LEGAL_1)
    User.objects.filter(pk=pupil.pk).update(left_at=left_at, is_active=False)
    return pupil, parent


def test_the_purge_deletes_accounts_past_retention_and_their_guardianships(world, settings):
    settings.ENT_LEAVER_RETENTION_DAYS = 365
    now = timezone.now()
    with schema_context("bordeaux"):
        old_pupil, old_parent = make_leaver(world, "ancien", now - datetime.timedelta(days=366))
        recent_pupil, recent_parent = make_leaver(
            world, "recent", now - datetime.timedelta(days=30)
        )
        # The old parent also left, long ago: purged with the child.
        User.objects.filter(pk=old_parent.pk).update(
            left_at=now - datetime.timedelta(days=400), is_active=False
        )
        # A parent still active whose only child is purged is deactivated, not deleted.
        lone_parent = add_person(world, "seul.parent", Profile.PARENT)
        Guardianship.objects.create(guardian=lone_parent, child=old_pupil, kind="legal2")

        result = leavers_purge(now=now)

        old_pupil_, old_parent_, recent_pupil_, recent_parent_, lone_parent_ = reload(
            old_pupil, old_parent, recent_pupil, recent_parent, lone_parent
        )
        links_left = Guardianship.objects.filter(child=old_pupil).count()
        event = AuditEvent.objects.get(action="accounts.leavers_purged")

    assert old_pupil_ is None and old_parent_ is None
    assert links_left == 0
    assert recent_pupil_ is not None and recent_parent_ is not None
    assert lone_parent_ is not None and lone_parent_.left_at == now and not lone_parent_.is_active
    assert (result.accounts, result.pupils, result.parents) == (2, 1, 1)
    assert (result.guardianships, result.parents_deactivated) == (2, 1)
    assert event.details["accounts"] == 2 and event.details["parents_deactivated"] == 1

    # The lone parent goes the same way once their own retention period has passed.
    with schema_context("bordeaux"):
        later = leavers_purge(now=now + datetime.timedelta(days=366))
        assert reload(lone_parent) == [None]
    assert later.parents == 1


def test_the_purge_with_nothing_to_do_records_nothing(world):
    with schema_context("bordeaux"):
        result = leavers_purge()

        assert result.accounts == 0
        assert not AuditEvent.objects.filter(action="accounts.leavers_purged").exists()


# --- tasks, eagerly ---------------------------------------------------------------------------


def test_the_tasks_run_in_the_schema_they_are_applied_in(world, settings):
    with schema_context("bordeaux"):
        SchoolYear.objects.filter(pk=world.year.pk).update(
            starts_on=datetime.date(2020, 9, 1), ends_on=datetime.date(2021, 7, 3)
        )
        set_status(world.pupils["A1"][0], EnrolmentStatus.LEAVING)

        deactivated = tasks.deactivate_leavers.apply().get()
        purged = tasks.purge_leavers.apply().get()

        assert reload(world.pupils["A1"][0])[0].left_at is not None  # type: ignore[union-attr]

    assert deactivated["schema"] == "bordeaux" and deactivated["pupils"] == 1
    assert purged == {
        "schema": "bordeaux",
        "accounts": 0,
        "pupils": 0,
        "parents": 0,
        "guardianships": 0,
        "parents_deactivated": 0,
    }


@pytest.mark.parametrize("schema", ["public", "ent_template"])
def test_the_tasks_refuse_to_run_outside_a_commune(db, schema):
    with schema_context(schema):
        result = tasks.account_lifecycle()

    assert result["deactivated"] == {"schema": schema, "skipped": True}
    assert result["purged"] == {"schema": schema, "skipped": True}


def test_the_nightly_fan_out_queues_one_task_per_live_commune(db, monkeypatch):
    from tenants.db import current_schema

    queued: list[str] = []
    monkeypatch.setattr(
        tasks.account_lifecycle, "apply_async", lambda *a, **k: queued.append(current_schema())
    )
    Commune.objects.filter(slug="bassens").update(status=CommuneStatus.SUSPENDED)

    schemas = tasks.lifecycle_all_communes()

    assert queued == schemas == ["bordeaux", "pessac"]
