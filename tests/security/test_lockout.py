"""Login throttling (django-axes) by username and address together, and unlocking pupils."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from apps.accounts.permissions import can_unlock_account
from apps.accounts.selectors import actors_for
from apps.audit.models import AuditEvent
from apps.schools.models import (
    Classroom,
    Enrolment,
    EnrolmentStatus,
    School,
    SchoolKind,
    SchoolMembership,
    SchoolRole,
    SchoolYear,
)
from tests.security.helpers import PUPIL_PASSWORD, enrol, log_in, log_in_verified, make_user

LIMIT = 10


def can_unlock(user: User, pupil: User) -> bool:
    actors = actors_for([user, pupil])
    return can_unlock_account(actor=actors[user.pk], target=actors[pupil.pk])


def _fail(client, username: str, times: int = LIMIT):
    response = None
    for _ in range(times):
        response = log_in(client, username, "pas-le-bon")
    return response


def test_ten_failures_lock_that_pupil_but_not_a_classmate_on_the_same_address(tenant_client):
    make_user("bordeaux", "lea.martin", Profile.PUPIL)
    make_user("bordeaux", "tom.petit", Profile.PUPIL)
    school_network = tenant_client("bordeaux", REMOTE_ADDR="10.33.0.1")

    locked = _fail(school_network, "lea.martin")

    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Trop d'essais de connexion" in page and "15 minutes" in page
    # Even the right password is refused now, from this address.
    assert log_in(school_network, "lea.martin", PUPIL_PASSWORD).status_code == 429
    assert "_auth_user_id" not in school_network.session
    # The classmate on the same school network logs in.
    classmate = tenant_client("bordeaux", REMOTE_ADDR="10.33.0.1")
    assert log_in(classmate, "tom.petit", PUPIL_PASSWORD).status_code == 302
    assert "_auth_user_id" in classmate.session
    with schema_context("bordeaux"):
        assert AuditEvent.objects.filter(action="login.locked_out", target="lea.martin").exists()
        assert (
            AuditEvent.objects.filter(action="login.failure", target="lea.martin").count() >= LIMIT
        )


def test_the_lock_is_per_address(tenant_client):
    make_user("bordeaux", "lea.martin", Profile.PUPIL)
    _fail(tenant_client("bordeaux", REMOTE_ADDR="10.33.0.1"), "lea.martin")

    at_home = tenant_client("bordeaux", REMOTE_ADDR="192.0.2.7")

    assert log_in(at_home, "lea.martin", PUPIL_PASSWORD).status_code == 302


def test_nine_failures_do_not_lock(tenant_client):
    make_user("bordeaux", "lea.martin", Profile.PUPIL)
    client = tenant_client("bordeaux")

    assert _fail(client, "lea.martin", LIMIT - 1).status_code == 200

    assert log_in(client, "lea.martin", PUPIL_PASSWORD).status_code == 302


def test_the_lock_ends_after_the_cool_off(tenant_client, settings):
    make_user("bordeaux", "lea.martin", Profile.PUPIL)
    client = tenant_client("bordeaux")
    _fail(client, "lea.martin")

    cool_off = timedelta(hours=settings.AXES_COOLOFF_TIME)
    with schema_context("bordeaux"):
        AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off - timedelta(seconds=1))

    assert log_in(client, "lea.martin", PUPIL_PASSWORD).status_code == 302


def test_a_lock_in_one_commune_does_not_reach_another(tenant_client):
    make_user("bordeaux", "lea.martin", Profile.PUPIL)
    make_user("pessac", "lea.martin", Profile.PUPIL)
    _fail(tenant_client("bordeaux"), "lea.martin")

    assert log_in(tenant_client("pessac"), "lea.martin", PUPIL_PASSWORD).status_code == 302


def test_wrong_second_factor_codes_count_as_failed_logins(tenant_client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    teacher = make_user("bordeaux", "m.durand")
    enrol("bordeaux", teacher)
    client = tenant_client("bordeaux")
    log_in(client, "m.durand")

    for _ in range(LIMIT - 1):
        assert client.post("/connexion/code/", {"code": "000000"}).status_code == 200
    locked = client.post("/connexion/code/", {"code": "000000"})

    assert locked.status_code == 429
    # The next attempt ends the half-open session.
    assert client.post("/connexion/code/", {"code": "000000"}).status_code in (302, 429)
    assert "_auth_user_id" not in client.session


# --- who may unlock a pupil -------------------------------------------------------------------


@pytest.fixture
def school_year(db):
    """Two schools of Bordeaux, one class each this year, and last year's class."""
    with schema_context("bordeaux"):
        current = SchoolYear.objects.create(
            label="2026-2027",
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2027, 7, 4),
            is_current=True,
        )
        previous = SchoolYear.objects.create(
            label="2025-2026", starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2026, 7, 4)
        )
        montaigne = School.objects.create(
            uai="0330001A", name="École Montaigne", kind=SchoolKind.ELEMENTAIRE
        )
        buffon = School.objects.create(
            uai="0330002B", name="École Buffon", kind=SchoolKind.ELEMENTAIRE
        )
        cm1 = Classroom.objects.create(school=montaigne, year=current, name="CM1 A", levels=["CM1"])
        ce2_last_year = Classroom.objects.create(
            school=montaigne, year=previous, name="CE2 A", levels=["CE2"]
        )
        cp_buffon = Classroom.objects.create(school=buffon, year=current, name="CP", levels=["CP"])
    return {
        "current": current,
        "previous": previous,
        "montaigne": montaigne,
        "buffon": buffon,
        "cm1": cm1,
        "ce2_last_year": ce2_last_year,
        "cp_buffon": cp_buffon,
    }


@pytest.fixture
def people(school_year):
    s = school_year
    pupil = make_user("bordeaux", "lea.martin", Profile.PUPIL)
    teacher = make_user("bordeaux", "m.durand", Profile.TEACHER)
    last_year_teacher = make_user("bordeaux", "p.ancien", Profile.TEACHER)
    other_teacher = make_user("bordeaux", "b.autre", Profile.TEACHER)
    director = make_user("bordeaux", "d.martin", Profile.DIRECTOR)
    other_director = make_user("bordeaux", "d.buffon", Profile.DIRECTOR)
    admin = make_user("bordeaux", "admin.bordeaux", Profile.COMMUNE_ADMIN)
    parent = make_user("bordeaux", "parent.martin", Profile.PARENT)
    classmate = make_user("bordeaux", "tom.petit", Profile.PUPIL)
    with schema_context("bordeaux"):
        s["cm1"].teachers.add(teacher)
        s["ce2_last_year"].teachers.add(last_year_teacher)
        s["cp_buffon"].teachers.add(other_teacher)
        Enrolment.objects.create(pupil=pupil, classroom=s["cm1"], year=s["current"])
        Enrolment.objects.create(pupil=pupil, classroom=s["ce2_last_year"], year=s["previous"])
        Enrolment.objects.create(pupil=classmate, classroom=s["cm1"], year=s["current"])
        SchoolMembership.objects.create(
            user=director, school=s["montaigne"], role=SchoolRole.DIRECTOR
        )
        SchoolMembership.objects.create(
            user=other_director, school=s["buffon"], role=SchoolRole.DIRECTOR
        )
        # A teacher of the school who does not teach the pupil's class.
        SchoolMembership.objects.create(
            user=other_teacher, school=s["montaigne"], role=SchoolRole.TEACHER
        )
    return {
        "pupil": pupil,
        "teacher": teacher,
        "last_year_teacher": last_year_teacher,
        "other_teacher": other_teacher,
        "director": director,
        "other_director": other_director,
        "admin": admin,
        "parent": parent,
        "classmate": classmate,
    }


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("teacher", True),
        ("director", True),
        ("admin", True),
        ("last_year_teacher", False),
        ("other_teacher", False),
        ("other_director", False),
        ("parent", False),
        ("classmate", False),
        ("pupil", False),
    ],
)
def test_who_may_unlock_a_pupil(people, who, allowed):
    with schema_context("bordeaux"):
        assert can_unlock(people[who], people["pupil"]) is allowed


def test_a_pupil_who_left_cannot_be_unlocked_by_the_teacher(people):
    with schema_context("bordeaux"):
        Enrolment.objects.filter(pupil=people["pupil"], year__is_current=True).update(
            status=EnrolmentStatus.LEFT
        )
        assert can_unlock(people["teacher"], people["pupil"]) is False
        assert can_unlock(people["admin"], people["pupil"]) is True


def test_adults_are_not_unlocked_through_the_pupil_rule(people):
    with schema_context("bordeaux"):
        assert can_unlock(people["admin"], people["teacher"]) is False


def test_a_blocked_teacher_unlocks_no_one(people):
    with schema_context("bordeaux"):
        User.objects.filter(pk=people["teacher"].pk).update(blocked_at=timezone.now())
        people["teacher"].refresh_from_db()
        assert can_unlock(people["teacher"], people["pupil"]) is False


def test_the_teacher_unlocks_a_pupil(tenant_client, people):
    pupil = people["pupil"]
    _fail(tenant_client("bordeaux", REMOTE_ADDR="10.33.0.1"), "lea.martin")
    teacher = tenant_client("bordeaux")
    log_in(teacher, "m.durand")
    url = f"/comptes/eleves/{pupil.pk}/acces/"

    page = teacher.get(url).content.decode()
    assert "Le compte est bloqué" in page
    response = teacher.post(url, {"action": "unlock"})

    assert response.status_code == 302
    assert "Le compte n'est pas bloqué" in teacher.get(url).content.decode()
    again = tenant_client("bordeaux", REMOTE_ADDR="10.33.0.1")
    assert log_in(again, "lea.martin", PUPIL_PASSWORD).status_code == 302
    with schema_context("bordeaux"):
        assert not AccessAttempt.objects.filter(username="lea.martin").exists()
        event = AuditEvent.objects.get(action="account.unlocked")
    assert event.target == "lea.martin"
    assert event.actor_name == people["teacher"].display_name


def test_the_teacher_gives_a_pupil_a_simple_password(tenant_client, people):
    pupil = people["pupil"]
    teacher = tenant_client("bordeaux")
    log_in(teacher, "m.durand")
    url = f"/comptes/eleves/{pupil.pk}/acces/"

    too_short = teacher.post(
        url, {"action": "password", "new_password1": "ab1", "new_password2": "ab1"}
    )
    assert too_short.status_code == 200
    assert "au moins 6 caractères" in too_short.content.decode()

    response = teacher.post(
        url, {"action": "password", "new_password1": "lapin7", "new_password2": "lapin7"}
    )

    assert response.status_code == 302
    assert log_in(tenant_client("bordeaux"), "lea.martin", "lapin7").status_code == 302
    with schema_context("bordeaux"):
        assert AuditEvent.objects.filter(
            action="password.reset_by_staff", target="lea.martin"
        ).exists()


@pytest.mark.parametrize("who", ["other_teacher", "last_year_teacher", "parent", "classmate"])
def test_others_get_404_and_nothing_changes(tenant_client, people, who):
    pupil = people["pupil"]
    _fail(tenant_client("bordeaux", REMOTE_ADDR="10.33.0.1"), "lea.martin")
    client = tenant_client("bordeaux")
    username = people[who].username
    log_in(client, username, PUPIL_PASSWORD if who == "classmate" else "un-mot-de-passe-solide")
    url = f"/comptes/eleves/{pupil.pk}/acces/"

    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "unlock"}).status_code == 404
    assert (
        client.post(
            url, {"action": "password", "new_password1": "x" * 8, "new_password2": "x" * 8}
        ).status_code
        == 404
    )
    with schema_context("bordeaux"):
        assert AccessAttempt.objects.filter(username="lea.martin").exists()
        assert User.objects.get(pk=pupil.pk).check_password(PUPIL_PASSWORD)
        assert not AuditEvent.objects.filter(action="account.unlocked").exists()


def test_a_missing_pupil_is_404_too(tenant_client, people):
    client = tenant_client("bordeaux")
    log_in(client, "m.durand")

    assert client.get("/comptes/eleves/999999/acces/").status_code == 404


def test_the_commune_admin_unlocks_after_verifying(tenant_client, people):
    device = enrol("bordeaux", people["admin"])
    client = tenant_client("bordeaux")
    log_in_verified(client, "bordeaux", people["admin"], device)

    response = client.post(f"/comptes/eleves/{people['pupil'].pk}/acces/", {"action": "unlock"})

    assert response.status_code == 302
