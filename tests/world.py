"""The test world: schools, classes and people written to a commune's schema, built by one
builder (``build_world``) that every test area uses, and logging in as one of its people.

The default layout (``BORDEAUX``) gives Bordeaux two deployed schools and one that is not
deployed:

* école A (élémentaire, active): class A1 (teacher t1; pupils p1, p2 and ``extra_pupils``
  more), class A2 (teacher t2; pupil p3); director dA;
* école B (maternelle, pilot): class B1 (teacher t4; pupil p4); director dB;
* école C (not deployed), no class.

Parents par1 (of p1), par3 (of p3), par4 (of p4); adm administers the commune. ``PESSAC``
gives Pessac one school, class, pupil and parent of its own (names starting with "Pessac").

The variations are parameters, not other worlds:

* ``layout=CLASS_PAGES``: the same staff in two schools whose classes are named "A1", "A2"
  and "B1", with no named pupil; ``pupils={"A1": 3, ...}`` fills the classes with generated
  pupils, each with a parent (``world.pupils["A1"]``, ``world.parents[pupil.pk]``), and
  ``activation_codes=True`` gives everyone a code, as an import does (the login cards);
* ``levels={"A1": ["PS", "MS"]}`` changes a class's levels (a maternelle class);
* ``add_pupils(world, n)`` adds pupils later; ``add_matrix_cast(world)`` adds the people of
  the communication matrix (an ATSEM, a blocked teacher, a parent without authority).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
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
from apps.schools.validators import uai_check_letter


def uai(digits: str) -> str:
    return digits + uai_check_letter(digits)


# --- what a world is made of --------------------------------------------------------------


@dataclass(frozen=True)
class SchoolPlan:
    key: str
    uai: str
    name: str
    kind: str
    deployment_status: str


@dataclass(frozen=True)
class ClassPlan:
    key: str
    school: str
    name: str
    levels: tuple[str, ...]


@dataclass(frozen=True)
class PersonPlan:
    """``classes``: where a pupil is enrolled, or what a teacher teaches; ``school`` and
    ``role``: a membership; ``child``: whose guardian a parent is; ``username``: the login,
    when a test types it (``<schema>.<name>`` otherwise)."""

    name: str
    profile: str
    first: str
    last: str
    classes: tuple[str, ...] = ()
    school: str | None = None
    role: str | None = None
    child: str | None = None
    username: str | None = None


@dataclass(frozen=True)
class Layout:
    schools: tuple[SchoolPlan, ...]
    classes: tuple[ClassPlan, ...]
    people: tuple[PersonPlan, ...]


BORDEAUX_STAFF = (
    PersonPlan("t1", Profile.TEACHER, "Théo", "Maître", ("A1",), "A", SchoolRole.TEACHER),
    PersonPlan("t2", Profile.TEACHER, "Tina", "Maîtresse", ("A2",), "A", SchoolRole.TEACHER),
    PersonPlan("t4", Profile.TEACHER, "Tom", "Maternelle", ("B1",), "B", SchoolRole.TEACHER),
    PersonPlan("dA", Profile.DIRECTOR, "Diane", "Direction", (), "A", SchoolRole.DIRECTOR),
    PersonPlan("dB", Profile.DIRECTOR, "Denis", "Directeur", (), "B", SchoolRole.DIRECTOR),
    PersonPlan("adm", Profile.COMMUNE_ADMIN, "Adèle", "Mairie"),
)

BORDEAUX = Layout(
    schools=(
        SchoolPlan("A", uai("0330101"), "École A", "elementaire", "active"),
        SchoolPlan("B", uai("0330102"), "École B", "maternelle", "pilot"),
        SchoolPlan("C", uai("0330103"), "École C", "primaire", "not_deployed"),
    ),
    classes=(
        ClassPlan("A1", "A", "CP A1", ("CP",)),
        ClassPlan("A2", "A", "CE1 A2", ("CE1",)),
        ClassPlan("B1", "B", "GS B1", ("GS",)),
    ),
    people=(
        PersonPlan("p1", Profile.PUPIL, "Paul", "Un", ("A1",)),
        PersonPlan("p2", Profile.PUPIL, "Pia", "Deux", ("A1",)),
        PersonPlan("p3", Profile.PUPIL, "Pierre", "Trois", ("A2",)),
        PersonPlan("p4", Profile.PUPIL, "Prune", "Quatre", ("B1",)),
        PersonPlan("par1", Profile.PARENT, "Pascale", "Un", child="p1"),
        PersonPlan("par3", Profile.PARENT, "Patrick", "Trois", child="p3"),
        PersonPlan("par4", Profile.PARENT, "Paule", "Quatre", child="p4"),
        *BORDEAUX_STAFF,
    ),
)

# The class pages and login cards: classes named by their key, schools of their own names,
# the Bordeaux staff, and pupils generated per class (``pupils=``).
CLASS_PAGES = Layout(
    schools=(
        SchoolPlan("A", "0330001X", "École des Chartrons", "primaire", "not_deployed"),
        SchoolPlan("B", "0750654D", "École Bastide", "primaire", "not_deployed"),
    ),
    classes=(
        ClassPlan("A1", "A", "A1", ("CP",)),
        ClassPlan("A2", "A", "A2", ("CE1",)),
        ClassPlan("B1", "B", "B1", ("CM1",)),
    ),
    people=BORDEAUX_STAFF,
)

PESSAC = Layout(
    schools=(SchoolPlan("P", uai("0330201"), "Pessac École", "elementaire", "active"),),
    classes=(ClassPlan("P1", "P", "Pessac CM1", ("CM1",)),),
    people=(
        PersonPlan("pp", Profile.PUPIL, "Pessac", "Élève", ("P1",)),
        PersonPlan("ppar", Profile.PARENT, "Pessac", "Parent", child="pp"),
        PersonPlan("pt", Profile.TEACHER, "Pessac", "Enseignant", ("P1",), "P", SchoolRole.TEACHER),
    ),
)

LAYOUTS = {"bordeaux": BORDEAUX, "pessac": PESSAC}


# --- the world -----------------------------------------------------------------------------


@dataclass
class World:
    schema: str
    year: SchoolYear
    schools: dict[str, School] = field(default_factory=dict)
    classes: dict[str, Classroom] = field(default_factory=dict)
    people: dict[str, User] = field(default_factory=dict)
    # Generated pupils by class key, and the parent of each (by the pupil's pk).
    pupils: dict[str, list[User]] = field(default_factory=dict)
    parents: dict[int, User] = field(default_factory=dict)
    activation_codes: bool = False

    def __getitem__(self, name: str) -> User:
        return self.people[name]


def _year() -> SchoolYear:
    return SchoolYear.objects.create(
        label="2026-2027",
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 7, 3),
        is_current=True,
    )


def _user(world: World, username: str, profile: str, first: str, last: str) -> User:
    user = User(username=username, first_name=first, last_name=last, profile=profile)
    if world.activation_codes:
        issue_activation_code(user, save=False)
    return user


def build_world(
    schema: str = "bordeaux",
    *,
    layout: Layout | None = None,
    extra_pupils: int = 0,
    pupils: Mapping[str, int] | None = None,
    levels: Mapping[str, list[str]] | None = None,
    activation_codes: bool = False,
    password: str | None = None,
) -> World:
    """The world of ``layout`` (the schema's own by default) in ``schema``: its schools,
    classes (``levels`` overrides some), people (with ``password``, for a test that logs in
    through the login form), enrolments, guardians, teachers and memberships; then
    ``extra_pupils`` more pupils in A1 and ``pupils[key]`` in each class."""
    layout = layout or LAYOUTS[schema]
    levels = levels or {}
    with schema_context(schema):
        world = World(schema=schema, year=_year(), activation_codes=activation_codes)
        world.schools = {
            plan.key: School.objects.create(
                uai=plan.uai,
                name=plan.name,
                kind=plan.kind,
                deployment_status=plan.deployment_status,
            )
            for plan in layout.schools
        }
        world.classes = {
            plan.key: Classroom.objects.create(
                school=world.schools[plan.school],
                year=world.year,
                name=plan.name,
                levels=list(levels.get(plan.key, plan.levels)),
            )
            for plan in layout.classes
        }
        for plan in layout.people:
            username = plan.username or f"{schema}.{plan.name.lower()}"
            user = _user(world, username, plan.profile, plan.first, plan.last)
            if password:
                user.set_password(password)
            user.save()
            world.people[plan.name] = user
        for plan in layout.people:
            person = world[plan.name]
            for key in plan.classes:
                if plan.profile == Profile.PUPIL:
                    Enrolment.objects.create(
                        pupil=person, classroom=world.classes[key], year=world.year
                    )
                else:
                    world.classes[key].teachers.add(person)
            if plan.child:
                Guardianship.objects.create(
                    guardian=person, child=world[plan.child], kind=GuardianKind.LEGAL_1
                )
            if plan.school:
                SchoolMembership.objects.create(
                    user=person, school=world.schools[plan.school], role=plan.role
                )
    add_pupils(world, extra_pupils)
    for key, count in (pupils or {}).items():
        add_pupils(world, count, key, tag=key.lower())
    return world


def build_bordeaux(extra_pupils: int = 0) -> World:
    return build_world("bordeaux", extra_pupils=extra_pupils)


def build_pessac() -> World:
    return build_world("pessac")


def add_pupils(
    world: World, count: int, classroom: str = "A1", *, tag: str = "extra"
) -> list[User]:
    """``count`` more pupils in the class, each with a parent (in ``world``'s schema): pupils
    ``<schema>.<tag>N``, parents ``<schema>.<tag>parentN``, numbered on from the accounts
    whose names start so. They are listed in ``world.pupils[classroom]``, their parents in
    ``world.parents``."""
    if not count:
        return []
    with schema_context(world.schema):
        prefix = f"{world.schema}.{tag}"
        start = User.objects.filter(username__startswith=prefix).count()
        numbers = range(start, start + count)
        label = tag.capitalize()
        added = User.objects.bulk_create(
            _user(world, f"{prefix}{n}", Profile.PUPIL, f"{label}{n}", "Élève") for n in numbers
        )
        parents = User.objects.bulk_create(
            _user(world, f"{prefix}parent{n}", Profile.PARENT, f"{label}{n}", "Parent")
            for n in numbers
        )
        Enrolment.objects.bulk_create(
            Enrolment(pupil=pupil, classroom=world.classes[classroom], year=world.year)
            for pupil in added
        )
        Guardianship.objects.bulk_create(
            Guardianship(guardian=parent, child=pupil, kind=GuardianKind.LEGAL_1)
            for parent, pupil in zip(parents, added, strict=True)
        )
    world.pupils.setdefault(classroom, []).extend(added)
    world.parents.update((pupil.pk, parent) for pupil, parent in zip(added, parents, strict=True))
    return added


def add_person(
    world: World,
    name: str,
    profile: str,
    first: str = "",
    last: str = "",
    *,
    school: str | None = None,
    role: str | None = None,
) -> User:
    """One more named person (``world[name]``, account ``<schema>.<name>``), a member of
    ``school`` when given."""
    with schema_context(world.schema):
        user = _user(world, f"{world.schema}.{name.lower()}", profile, first or name, last)
        user.save()
        if school:
            SchoolMembership.objects.create(user=user, school=world.schools[school], role=role)
    world.people[name] = user
    return user


def add_matrix_cast(world: World) -> None:
    """The communication matrix's commune (tests/permissions/test_matrix.py) on the Bordeaux
    world: sA, an ATSEM of school A; tX, a blocked teacher of school A; par4 without parental
    authority; pupils of A1 may write to one another."""
    add_person(world, "sA", Profile.STAFF, school="A", role=SchoolRole.STAFF)
    blocked = add_person(world, "tX", Profile.TEACHER, school="A", role=SchoolRole.TEACHER)
    with schema_context(world.schema):
        User.objects.filter(pk=blocked.pk).update(blocked_at=timezone.now())
        Guardianship.objects.filter(guardian=world["par4"]).update(parental_authority=False)
        Classroom.objects.filter(pk=world.classes["A1"].pk).update(
            pupils_may_message_each_other=True
        )


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
