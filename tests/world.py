"""A small commune to test scoping on, and logging in as one of its people.

Bordeaux gets two deployed schools and one that is not deployed:

* école A (élémentaire, active): class A1 (teacher t1; pupils p1, p2 and ``extra_pupils``
  more), class A2 (teacher t2; pupil p3); director dA;
* école B (maternelle, pilot): class B1 (teacher t4; pupil p4); director dB;
* école C (not deployed), no class.

Parents par1 (of p1), par3 (of p3), par4 (of p4); adm administers the commune. Pessac gets
one school, class, pupil and parent of its own (names starting with "Pessac").
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from apps.schools.models import (
    Classroom,
    Enrolment,
    GuardianKind,
    Guardianship,
    School,
    SchoolMembership,
    SchoolRole,
    SchoolYear,
)
from apps.schools.validators import uai_check_letter


def uai(digits: str) -> str:
    return digits + uai_check_letter(digits)


@dataclass
class World:
    schema: str
    year: SchoolYear
    schools: dict[str, School] = field(default_factory=dict)
    classes: dict[str, Classroom] = field(default_factory=dict)
    people: dict[str, User] = field(default_factory=dict)

    def __getitem__(self, name: str) -> User:
        return self.people[name]


def _person(world: World, name: str, profile: str, first: str, last: str) -> User:
    user = User.objects.create(
        username=f"{world.schema}.{name.lower()}",
        first_name=first,
        last_name=last,
        profile=profile,
    )
    world.people[name] = user
    return user


def _enrol(world: World, pupil: User, classroom: Classroom) -> None:
    Enrolment.objects.create(pupil=pupil, classroom=classroom, year=world.year)


def _year() -> SchoolYear:
    return SchoolYear.objects.create(
        label="2026-2027",
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 7, 3),
        is_current=True,
    )


def build_bordeaux(extra_pupils: int = 0) -> World:
    with schema_context("bordeaux"):
        world = World(schema="bordeaux", year=_year())
        a = School.objects.create(
            uai=uai("0330101"), name="École A", kind="elementaire", deployment_status="active"
        )
        b = School.objects.create(
            uai=uai("0330102"), name="École B", kind="maternelle", deployment_status="pilot"
        )
        c = School.objects.create(
            uai=uai("0330103"), name="École C", kind="primaire", deployment_status="not_deployed"
        )
        world.schools = {"A": a, "B": b, "C": c}
        world.classes = {
            "A1": Classroom.objects.create(school=a, year=world.year, name="CP A1", levels=["CP"]),
            "A2": Classroom.objects.create(
                school=a, year=world.year, name="CE1 A2", levels=["CE1"]
            ),
            "B1": Classroom.objects.create(school=b, year=world.year, name="GS B1", levels=["GS"]),
        }
        for name, first, last in (
            ("p1", "Paul", "Un"),
            ("p2", "Pia", "Deux"),
            ("p3", "Pierre", "Trois"),
            ("p4", "Prune", "Quatre"),
        ):
            _person(world, name, Profile.PUPIL, first, last)
        for name, first, last in (
            ("par1", "Pascale", "Un"),
            ("par3", "Patrick", "Trois"),
            ("par4", "Paule", "Quatre"),
        ):
            _person(world, name, Profile.PARENT, first, last)
        for name, first, last in (("t1", "Théo", "Maître"), ("t2", "Tina", "Maîtresse")):
            _person(world, name, Profile.TEACHER, first, last)
        _person(world, "t4", Profile.TEACHER, "Tom", "Maternelle")
        _person(world, "dA", Profile.DIRECTOR, "Diane", "Direction")
        _person(world, "dB", Profile.DIRECTOR, "Denis", "Directeur")
        _person(world, "adm", Profile.COMMUNE_ADMIN, "Adèle", "Mairie")

        for pupil, classroom in (("p1", "A1"), ("p2", "A1"), ("p3", "A2"), ("p4", "B1")):
            _enrol(world, world[pupil], world.classes[classroom])
        add_pupils(world, extra_pupils)
        for parent, child in (("par1", "p1"), ("par3", "p3"), ("par4", "p4")):
            Guardianship.objects.create(
                guardian=world[parent], child=world[child], kind=GuardianKind.LEGAL_1
            )
        for teacher, classroom in (("t1", "A1"), ("t2", "A2"), ("t4", "B1")):
            world.classes[classroom].teachers.add(world[teacher])
        for name, school, role in (
            ("t1", a, SchoolRole.TEACHER),
            ("t2", a, SchoolRole.TEACHER),
            ("t4", b, SchoolRole.TEACHER),
            ("dA", a, SchoolRole.DIRECTOR),
            ("dB", b, SchoolRole.DIRECTOR),
        ):
            SchoolMembership.objects.create(user=world[name], school=school, role=role)
    return world


def add_pupils(world: World, count: int, classroom: str = "A1") -> None:
    """``count`` more pupils in the class, each with a parent (in ``world``'s schema)."""
    with schema_context(world.schema):
        start = User.objects.filter(username__startswith=f"{world.schema}.extra").count()
        numbers = range(start, start + count)
        pupils = User.objects.bulk_create(
            User(
                username=f"{world.schema}.extra{n}",
                first_name=f"Extra{n}",
                last_name="Élève",
                profile=Profile.PUPIL,
            )
            for n in numbers
        )
        parents = User.objects.bulk_create(
            User(
                username=f"{world.schema}.extraparent{n}",
                first_name=f"Extra{n}",
                last_name="Parent",
                profile=Profile.PARENT,
            )
            for n in numbers
        )
        Enrolment.objects.bulk_create(
            Enrolment(pupil=pupil, classroom=world.classes[classroom], year=world.year)
            for pupil in pupils
        )
        Guardianship.objects.bulk_create(
            Guardianship(guardian=parent, child=pupil, kind=GuardianKind.LEGAL_1)
            for parent, pupil in zip(parents, pupils, strict=True)
        )


def build_pessac() -> World:
    with schema_context("pessac"):
        world = World(schema="pessac", year=_year())
        school = School.objects.create(
            uai=uai("0330201"), name="Pessac École", kind="elementaire", deployment_status="active"
        )
        world.schools = {"P": school}
        classroom = Classroom.objects.create(
            school=school, year=world.year, name="Pessac CM1", levels=["CM1"]
        )
        world.classes = {"P1": classroom}
        pupil = _person(world, "pp", Profile.PUPIL, "Pessac", "Élève")
        parent = _person(world, "ppar", Profile.PARENT, "Pessac", "Parent")
        teacher = _person(world, "pt", Profile.TEACHER, "Pessac", "Enseignant")
        _enrol(world, pupil, classroom)
        Guardianship.objects.create(guardian=parent, child=pupil, kind=GuardianKind.LEGAL_1)
        classroom.teachers.add(teacher)
        SchoolMembership.objects.create(user=teacher, school=school, role=SchoolRole.TEACHER)
    return world


def log_in(make_client: Callable[..., Client], schema: str, user: User) -> Client:
    """A client of ``schema``'s host, logged in as ``user``; administrators (2FA mandatory)
    get a confirmed TOTP device and a session that has verified it."""
    client = make_client(schema.replace("_", "-"))
    with schema_context(schema):
        client.force_login(user)
        if user.requires_two_factor:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
    return client
