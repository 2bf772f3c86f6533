"""seed_demo: demo schools, classes and people in every commune, and the demo logins."""

from __future__ import annotations

import stat
from base64 import b32decode

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from apps.schools.models import (
    Classroom,
    Enrolment,
    EnrolmentStatus,
    Guardianship,
    School,
    SchoolMembership,
    SchoolRole,
    SchoolYear,
)
from apps.schools.validators import validate_uai
from provisioning.demo_people import DEMO_PASSWORD, DEMO_SUFFIX
from tests.conftest import SESSION_COMMUNES

SCHEMAS = [slug for _name, _insee, slug in SESSION_COMMUNES]
NAMED = ["admin.demo", "directeur.demo", "enseignant.demo", "parent.demo", "eleve.demo"]


def _counts() -> dict[str, dict[str, int]]:
    counts = {}
    for schema in [*SCHEMAS, "public"]:
        with schema_context(schema):
            counts[schema] = {
                "users": User.objects.count(),
                "devices": TOTPDevice.objects.count(),
                **(
                    {}
                    if schema == "public"
                    else {
                        "schools": School.objects.count(),
                        "classes": Classroom.objects.count(),
                        "enrolments": Enrolment.objects.count(),
                        "guardianships": Guardianship.objects.count(),
                        "memberships": SchoolMembership.objects.count(),
                        "years": SchoolYear.objects.count(),
                    }
                ),
            }
    return counts


@pytest.fixture
def seeded(db, tmp_path):
    logins = tmp_path / "demo-logins.txt"
    call_command("seed_demo", "--logins-file", str(logins))
    return logins


def test_every_commune_gets_a_maternelle_and_an_elementaire_with_classes_and_pupils(seeded):
    statuses = set()
    for schema in SCHEMAS:
        with schema_context(schema):
            schools = list(School.objects.order_by("kind"))
            assert [s.kind for s in schools] == ["elementaire", "maternelle"], schema
            for school in schools:
                validate_uai(school.uai)
                statuses.add(school.deployment_status)
            year = SchoolYear.objects.get(is_current=True)
            classes = list(Classroom.objects.filter(year=year))
            assert len(classes) == 8, schema
            for classroom in classes:
                enrolled = classroom.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
                assert 17 <= enrolled <= 25, classroom
                assert classroom.teachers.count() == 1
            for school in schools:
                assert school.memberships.filter(role=SchoolRole.DIRECTOR).count() == 1
            pupils = User.objects.filter(profile=Profile.PUPIL)
            assert not pupils.filter(guardians_links__isnull=True).exists()
            generated = User.objects.exclude(username__in=NAMED)
            assert all(
                last.endswith(DEMO_SUFFIX) for last in generated.values_list("last_name", flat=True)
            )
            assert not any(user.has_usable_password() for user in generated)
    assert len(statuses) >= 2  # deployment statuses vary


def test_bordeaux_gets_the_named_accounts_linked_together(seeded):
    with schema_context("bordeaux"):
        users = {u.username: u for u in User.objects.filter(username__in=NAMED)}
        assert set(users) == set(NAMED)
        assert all(u.check_password(DEMO_PASSWORD) for u in users.values())
        assert users["admin.demo"].profile == Profile.COMMUNE_ADMIN
        enrolment = Enrolment.objects.get(pupil=users["eleve.demo"])
        assert list(enrolment.classroom.teachers.all()) == [users["enseignant.demo"]]
        assert Guardianship.objects.filter(
            guardian=users["parent.demo"], child=users["eleve.demo"]
        ).exists()
        assert SchoolMembership.objects.filter(
            user=users["directeur.demo"],
            school=enrolment.classroom.school,
            role=SchoolRole.DIRECTOR,
        ).exists()
        assert enrolment.classroom.school.is_deployed
        assert TOTPDevice.objects.filter(user=users["admin.demo"], confirmed=True).count() == 1
    with schema_context("pessac"):
        assert not User.objects.filter(username__in=NAMED).exists()
    with schema_context("public"):
        coordinator = User.objects.get(username="coordination.demo")
        assert coordinator.profile == Profile.COORDINATOR
        assert coordinator.check_password(DEMO_PASSWORD)
        assert TOTPDevice.objects.filter(user=coordinator, confirmed=True).count() == 1


def test_the_demo_password_passes_the_password_policy_of_every_demo_account(seeded):
    with schema_context("bordeaux"):
        for user in User.objects.filter(username__in=NAMED):
            validate_password(DEMO_PASSWORD, user)
    with schema_context("public"):
        validate_password(DEMO_PASSWORD, User.objects.get(username="coordination.demo"))


def test_seeding_again_changes_nothing(seeded, tmp_path):
    before = _counts()
    first = seeded.read_text(encoding="utf-8")

    call_command("seed_demo", "--logins-file", str(tmp_path / "again.txt"))

    assert _counts() == before
    assert (tmp_path / "again.txt").read_text(encoding="utf-8") == first


def test_the_logins_file_gives_every_login_and_working_totp_secrets(seeded):
    content = seeded.read_text(encoding="utf-8")

    assert stat.S_IMODE(seeded.stat().st_mode) == 0o600
    assert DEMO_PASSWORD in content
    for username in [*NAMED, "coordination.demo"]:
        assert username in content
    assert "bordeaux.ent.localhost" in content and "/connexion/" in content
    for schema, username in (("bordeaux", "admin.demo"), ("public", "coordination.demo")):
        line = next(row for row in content.splitlines() if row.startswith(username + " "))
        secret = line.split()[-1]
        with schema_context(schema):
            device = TOTPDevice.objects.get(user__username=username, confirmed=True)
            assert b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
            assert device.verify_token(totp(b32decode(secret + "=" * (-len(secret) % 8))))


def test_an_unknown_commune_is_one_error_and_seeds_nothing(db):
    before = _counts()

    with pytest.raises(CommandError, match="Commune inconnue : nulle-part"):
        call_command("seed_demo", "--commune", "nulle-part")

    assert _counts() == before
