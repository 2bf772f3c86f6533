"""A small school written to a commune's schema, and logged-in clients for its people.

School A: class A1 (taught by t1) and class A2 (taught by t2), directed by dA; school B with
class B1 (taught by t4). Each pupil has one parent; ``adm`` administers the commune.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_tenants.utils import schema_context

from apps.accounts.lifecycle import issue_activation_code
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

SESSION_BACKEND = next(b for b in settings.AUTHENTICATION_BACKENDS if not b.startswith("axes."))


@dataclass
class SchoolWorld:
    year: SchoolYear
    school_a: School
    school_b: School
    a1: Classroom
    a2: Classroom
    b1: Classroom
    people: dict[str, User] = field(default_factory=dict)
    pupils: dict[str, list[User]] = field(default_factory=dict)
    parents: dict[int, User] = field(default_factory=dict)

    def __getitem__(self, name: str) -> User:
        return self.people[name]


def make_user(username: str, profile: str, first: str = "", last: str = "") -> User:
    user = User(username=username, profile=profile, first_name=first or username, last_name=last)
    issue_activation_code(user, save=False)
    user.save()
    return user


def add_pupils(world: SchoolWorld, classroom: Classroom, count: int, *, prefix: str) -> list[User]:
    pupils = []
    for number in range(count):
        pupil = make_user(
            f"{prefix}.eleve{number}", Profile.PUPIL, f"Élève{number}", prefix.upper()
        )
        parent = make_user(
            f"{prefix}.parent{number}", Profile.PARENT, f"Parent{number}", prefix.upper()
        )
        Enrolment.objects.create(pupil=pupil, classroom=classroom, year=world.year)
        Guardianship.objects.create(guardian=parent, child=pupil, kind=GuardianKind.LEGAL_1)
        world.parents[pupil.pk] = parent
        pupils.append(pupil)
    world.pupils.setdefault(classroom.name, []).extend(pupils)
    return pupils


def build_world(
    *,
    a1_pupils: int = 3,
    a2_pupils: int = 2,
    b1_pupils: int = 1,
    a1_levels: list[str] | None = None,
) -> SchoolWorld:
    """Call inside ``schema_context``."""
    year = SchoolYear.objects.create(
        label="2026-2027",
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 7, 3),
        is_current=True,
    )
    school_a = School.objects.create(uai="0330001X", name="École des Chartrons", kind="primaire")
    school_b = School.objects.create(uai="0750654D", name="École Bastide", kind="primaire")
    world = SchoolWorld(
        year=year,
        school_a=school_a,
        school_b=school_b,
        a1=Classroom.objects.create(
            school=school_a, year=year, name="A1", levels=a1_levels or ["CP"]
        ),
        a2=Classroom.objects.create(school=school_a, year=year, name="A2", levels=["CE1"]),
        b1=Classroom.objects.create(school=school_b, year=year, name="B1", levels=["CM1"]),
    )
    for name, profile in (
        ("t1", Profile.TEACHER),
        ("t2", Profile.TEACHER),
        ("t4", Profile.TEACHER),
        ("dA", Profile.DIRECTOR),
        ("adm", Profile.COMMUNE_ADMIN),
    ):
        world.people[name] = make_user(f"staff.{name.lower()}", profile, name, "Staff")
    world.a1.teachers.add(world["t1"])
    world.a2.teachers.add(world["t2"])
    world.b1.teachers.add(world["t4"])
    for name, school, role in (
        ("t1", school_a, SchoolRole.TEACHER),
        ("t2", school_a, SchoolRole.TEACHER),
        ("t4", school_b, SchoolRole.TEACHER),
        ("dA", school_a, SchoolRole.DIRECTOR),
    ):
        SchoolMembership.objects.create(user=world[name], school=school, role=role)
    add_pupils(world, world.a1, a1_pupils, prefix="a1")
    add_pupils(world, world.a2, a2_pupils, prefix="a2")
    add_pupils(world, world.b1, b1_pupils, prefix="b1")
    return world


@pytest.fixture
def world(db: None) -> SchoolWorld:
    with schema_context("bordeaux"):
        return build_world()


@pytest.fixture
def maternelle_world(db: None) -> SchoolWorld:
    with schema_context("bordeaux"):
        return build_world(a1_levels=["PS", "MS"])


@pytest.fixture
def login_as(tenant_client: Callable[..., Client]) -> Callable[..., Client]:
    """A client of the commune's subdomain with ``user`` logged in (and, for profiles that
    must use a second factor, verified)."""

    def make(user: User, slug: str = "bordeaux") -> Client:
        client = tenant_client(slug)
        with schema_context(slug):
            client.force_login(user, backend=SESSION_BACKEND)
            if user.requires_two_factor:
                device = StaticDevice.objects.create(user=user, name="test", confirmed=True)
                session = client.session
                session["otp_device_id"] = device.persistent_id
                session.save()
        return client

    return make
