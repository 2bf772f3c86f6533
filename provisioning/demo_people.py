"""Demo data: schools, classes and clearly fictional people for every commune.

``seed_demo`` gives each commune two schools (a maternelle and an élémentaire, with valid
UAI check letters and varied deployment statuses), the current school year, a class per
level with about twenty pupils, their parents, a teacher per class, a director per school
and an ATSEM in the maternelle. Every generated surname ends in "Démo" and comes from a
fixed list of invented names, and generated accounts have no usable password.

Bordeaux also gets the named demo accounts (``admin.demo``, ``directeur.demo``,
``enseignant.demo``, ``parent.demo``, ``eleve.demo``), and the public schema gets
``coordination.demo``; they share the password ``DEMO_PASSWORD``. Administrators and the
coordinator must use a second factor, so each gets a confirmed TOTP device whose secret is
written, with the logins, to the file ``write_logins_file`` makes.

Seeding is idempotent: a commune whose demo élémentaire exists is left as it is, and named
accounts that exist are not touched (their password may have been changed on purpose).
Rows are written with ``bulk_create``: the nine communes seed in a few seconds.
"""

from __future__ import annotations

import datetime
import os
import random
import unicodedata
from base64 import b32encode
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import get_public_schema_name, schema_context

from apps.accounts.models import Civility, Profile, User
from apps.accounts.services import account_build, account_create, accounts_bulk_create
from apps.schools.models import (
    Classroom,
    DeploymentStatus,
    Enrolment,
    EnrolmentStatus,
    GuardianKind,
    Guardianship,
    Level,
    School,
    SchoolKind,
    SchoolMembership,
    SchoolRole,
    SchoolYear,
)
from apps.schools.validators import uai_check_letter
from provisioning.demo_content import seed_publications
from tenants.hosts import absolute_url, groupement_host
from tenants.hosts import commune_host as commune_domain
from tenants.models import Commune

DEMO_PASSWORD = "demo-ent-2026"  # noqa: S105 - the documented password of the demo accounts
DEMO_SUFFIX = "Démo"
DEMO_COMMUNE = "bordeaux"
TOTP_DEVICE_NAME = "Application d'authentification (démo)"

FIRST_NAMES_GIRLS = [
    "Alice", "Ambre", "Anna", "Capucine", "Chloé", "Clara", "Élise", "Emma", "Inès", "Jade",
    "Juliette", "Léa", "Lina", "Lou", "Louise", "Manon", "Margaux", "Mila", "Nina", "Rose",
    "Salomé", "Zoé",
]  # fmt: skip
FIRST_NAMES_BOYS = [
    "Adam", "Arthur", "Baptiste", "Gabriel", "Hugo", "Jules", "Léo", "Liam", "Louis", "Lucas",
    "Maël", "Martin", "Nathan", "Noah", "Paul", "Raphaël", "Sacha", "Théo", "Tom", "Victor",
    "Yanis", "Eliott",
]  # fmt: skip
# Invented surnames (words, not family names), each followed by DEMO_SUFFIX.
SURNAMES = [
    "Bergamote", "Brindille", "Castagnette", "Chardonneret", "Coquelicot", "Farandole",
    "Galipette", "Grelot", "Guimauve", "Hirondelle", "Libellule", "Mirabelle", "Myrtille",
    "Noisette", "Papillon", "Pimprenelle", "Ribambelle", "Sarabande", "Tournesol",
    "Trottinette", "Virgule", "Zéphyr", "Pervenche", "Capucine", "Câlinou", "Biscotte",
    "Cerfvolant", "Girouette", "Marelle", "Pirouette",
]  # fmt: skip
MATERNELLE_NAMES = [
    "Les Coquelicots", "Les Lucioles", "Le Petit Prince", "Les Hirondelles", "Les Tournesols",
    "La Farandole", "Les Lutins", "Arc-en-ciel", "Les Capucines",
]  # fmt: skip
ELEMENTAIRE_NAMES = [
    "Jules Verne", "Marie Curie", "Jean de La Fontaine", "Louise Michel", "Victor Hugo",
    "George Sand", "Paul Bert", "Condorcet", "Simone Veil",
]  # fmt: skip
POSTAL_CODES = {
    "33032": "33530",
    "33056": "33290",
    "33063": "33000",
    "33069": "33110",
    "33075": "33520",
    "33281": "33700",
    "33318": "33600",
    "33449": "33160",
    "33550": "33140",
}
MATERNELLE_LEVELS = [Level.PS, Level.MS, Level.GS]
ELEMENTAIRE_LEVELS = [Level.CP, Level.CE1, Level.CE2, Level.CM1, Level.CM2]
AGE_AT_RENTREE = {
    Level.TPS: 2,
    Level.PS: 3,
    Level.MS: 4,
    Level.GS: 5,
    Level.CP: 6,
    Level.CE1: 7,
    Level.CE2: 8,
    Level.CM1: 9,
    Level.CM2: 10,
}
# (maternelle, élémentaire) deployment, in turn for the communes in INSEE order; Bordeaux,
# where the named accounts are, always has both schools deployed.
DEPLOYMENT_PATTERNS = [
    (DeploymentStatus.PILOT, DeploymentStatus.ACTIVE),
    (DeploymentStatus.NOT_DEPLOYED, DeploymentStatus.PILOT),
    (DeploymentStatus.ACTIVE, DeploymentStatus.NOT_DEPLOYED),
    (DeploymentStatus.PILOT, DeploymentStatus.PILOT),
]
# The class of the named pupil and teacher.
DEMO_CLASS_LEVEL = Level.CE2


@dataclass(frozen=True)
class NamedAccount:
    username: str
    profile: str
    first_name: str
    last_name: str
    civility: str = ""


NAMED_ACCOUNTS = {
    "admin": NamedAccount(
        "admin.demo", Profile.COMMUNE_ADMIN, "Adèle", f"Mairie {DEMO_SUFFIX}", Civility.MRS
    ),
    "director": NamedAccount(
        "directeur.demo", Profile.DIRECTOR, "Denis", f"Directeur {DEMO_SUFFIX}", Civility.MR
    ),
    "teacher": NamedAccount(
        "enseignant.demo", Profile.TEACHER, "Élise", f"Enseignante {DEMO_SUFFIX}", Civility.MRS
    ),
    "parent": NamedAccount(
        "parent.demo", Profile.PARENT, "Pascal", f"Noisette {DEMO_SUFFIX}", Civility.MR
    ),
    "pupil": NamedAccount("eleve.demo", Profile.PUPIL, "Léa", f"Noisette {DEMO_SUFFIX}"),
}
COORDINATOR_ACCOUNT = NamedAccount(
    "coordination.demo", Profile.COORDINATOR, "Claire", f"Coordination {DEMO_SUFFIX}", Civility.MRS
)


class DemoError(Exception):
    """One clear line for the operator; nothing was changed."""


@dataclass(frozen=True)
class DemoLogin:
    username: str
    profile_label: str
    commune: str
    url: str
    password: str
    totp_secret: str = ""
    totp_uri: str = ""


@dataclass
class CommuneSeed:
    commune: Commune
    created: bool
    schools: int = 0
    classes: int = 0
    pupils: int = 0
    parents: int = 0
    staff: int = 0


@dataclass
class DemoResult:
    communes: list[CommuneSeed] = field(default_factory=list)
    logins: list[DemoLogin] = field(default_factory=list)


# --- entry point -----------------------------------------------------------------------------


def seed_demo(
    *,
    communes: Iterable[Commune] | None = None,
    on_progress: Callable[[CommuneSeed], None] | None = None,
    named_in: str = DEMO_COMMUNE,
) -> DemoResult:
    """Seed every commune given (all of them by default) and the coordinator account. The
    named accounts go to the commune ``named_in`` (Bordeaux; tests that serve pages from
    another thread seed a throw-away commune instead)."""
    _check_demo_password()
    chosen = sorted(
        communes if communes is not None else Commune.objects.all(), key=lambda c: c.insee_code
    )
    result = DemoResult()
    for index, commune in enumerate(chosen):
        with schema_context(commune.schema_name):
            seeded = _seed_commune(commune, index, named=commune.slug == named_in)
            if commune.slug == named_in:
                result.logins.extend(_commune_logins(commune))
        result.communes.append(seeded)
        if on_progress is not None:
            on_progress(seeded)
    with schema_context(get_public_schema_name()):
        result.logins.insert(0, _coordinator_login())
    return result


def _check_demo_password() -> None:
    """The demo password must pass the password policy for every named account."""
    for account in [*NAMED_ACCOUNTS.values(), COORDINATOR_ACCOUNT]:
        probe = User(username=account.username, profile=account.profile)
        probe.first_name, probe.last_name = account.first_name, account.last_name
        try:
            validate_password(DEMO_PASSWORD, probe)
        except ValidationError as exc:
            reasons = " ".join(exc.messages)
            raise DemoError(
                f"Le mot de passe de démonstration est refusé pour {account.username} : {reasons}"
            ) from exc


# --- one commune -------------------------------------------------------------------------------


def demo_uai(commune_index: int, school_number: int) -> str:
    """A valid, clearly demo UAI: 0339 (Gironde, unused range), the commune, the school."""
    digits = f"0339{commune_index % 100:02d}{school_number}"
    return digits + uai_check_letter(digits)


def school_year_for(today: datetime.date) -> tuple[str, datetime.date, datetime.date]:
    start = today.year if today.month >= 8 else today.year - 1
    return f"{start}-{start + 1}", datetime.date(start, 9, 1), datetime.date(start + 1, 7, 4)


def _current_year() -> SchoolYear:
    year = SchoolYear.objects.filter(is_current=True).first()
    if year is not None:
        return year
    label, starts_on, ends_on = school_year_for(timezone.localdate())
    year, _ = SchoolYear.objects.get_or_create(
        label=label, defaults={"starts_on": starts_on, "ends_on": ends_on}
    )
    year.is_current = True
    year.save(update_fields=["is_current"])
    return year


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


class _Usernames:
    def __init__(self) -> None:
        self.taken = set(User.objects.values_list("username", flat=True))

    def new(self, first: str, last: str) -> str:
        base = f"{_ascii(first)}.{_ascii(last.removesuffix(DEMO_SUFFIX))}"
        name, n = base, 1
        while name in self.taken:
            n += 1
            name = f"{base}{n}"
        self.taken.add(name)
        return name


@transaction.atomic
def _seed_commune(commune: Commune, index: int, *, named: bool) -> CommuneSeed:
    elementaire_uai = demo_uai(index, 2)
    if School.objects.filter(uai=elementaire_uai).exists():
        _ensure_named_devices()
        return CommuneSeed(commune=commune, created=False)
    rng = random.Random(int(commune.insee_code))  # noqa: S311 - reproducible demo names
    now = timezone.now()
    year = _current_year()
    usernames = _Usernames()
    maternelle_status, elementaire_status = (
        DEPLOYMENT_PATTERNS[0] if named else DEPLOYMENT_PATTERNS[index % len(DEPLOYMENT_PATTERNS)]
    )
    postal_code = POSTAL_CODES.get(commune.insee_code, "")
    maternelle, elementaire = School.objects.bulk_create(
        [
            School(
                uai=demo_uai(index, 1),
                name=f"École maternelle {MATERNELLE_NAMES[index % len(MATERNELLE_NAMES)]}",
                kind=SchoolKind.MATERNELLE,
                street=f"{3 + index} rue des Écoliers",
                postal_code=postal_code,
                city=commune.name,
                deployment_status=maternelle_status,
                primary_colour="#7a1f5c",
                secondary_colour="#ffd166",
            ),
            School(
                uai=elementaire_uai,
                name=f"École élémentaire {ELEMENTAIRE_NAMES[index % len(ELEMENTAIRE_NAMES)]}",
                kind=SchoolKind.ELEMENTAIRE,
                street=f"{12 + index} avenue de la République",
                postal_code=postal_code,
                city=commune.name,
                deployment_status=elementaire_status,
                primary_colour="#003f7d",
                secondary_colour="#ffbf47",
            ),
        ]
    )
    plan = [(maternelle, level) for level in MATERNELLE_LEVELS] + [
        (elementaire, level) for level in ELEMENTAIRE_LEVELS
    ]
    classes = Classroom.objects.bulk_create(
        Classroom(
            school=school,
            year=year,
            name=Level(level).label if level in MATERNELLE_LEVELS else str(level),
            levels=[level],
            pupils_may_message_each_other=level in (Level.CM1, Level.CM2),
        )
        for school, level in plan
    )

    builder = _People(rng=rng, usernames=usernames, now=now)
    named_users: dict[str, User] = {}
    if named:
        named_users = {key: builder.named(account) for key, account in NAMED_ACCOUNTS.items()}

    # Staff: a teacher per class (the named teacher takes the CE2), a director per school,
    # an ATSEM in the maternelle.
    teachers: dict[int, User] = {}
    for classroom, (_school, level) in zip(classes, plan, strict=True):
        if named and level == DEMO_CLASS_LEVEL:
            teachers[id(classroom)] = named_users["teacher"]
        else:
            teachers[id(classroom)] = builder.adult(Profile.TEACHER)
    directors = {
        maternelle.pk: builder.adult(Profile.DIRECTOR),
        elementaire.pk: named_users["director"] if named else builder.adult(Profile.DIRECTOR),
    }
    atsem = builder.adult(Profile.STAFF)

    # Pupils and their families; one pupil in ten is the younger sibling of a pupil of an
    # earlier class, with the same parents.
    families: list[tuple[str, list[User]]] = []
    enrolments: list[tuple[User, Classroom, str]] = []
    links: list[tuple[User, User, str]] = []
    for classroom, (_school, level) in zip(classes, plan, strict=True):
        count = rng.randint(18, 23)
        earlier = len(families)
        for _ in range(count):
            if earlier and rng.random() < 0.1:
                surname, parents = families[rng.randrange(earlier)]
            else:
                surname = f"{rng.choice(SURNAMES)} {DEMO_SUFFIX}"
                parents = [builder.parent(surname) for _ in range(rng.choice((1, 2, 2)))]
                families.append((surname, parents))
            pupil = builder.pupil(surname, level, year)
            enrolments.append((pupil, classroom, level))
            for rank, parent in enumerate(parents):
                links.append(
                    (parent, pupil, GuardianKind.LEGAL_1 if rank == 0 else GuardianKind.LEGAL_2)
                )
        if named and level == DEMO_CLASS_LEVEL:
            enrolments.append((named_users["pupil"], classroom, level))
            links.append((named_users["parent"], named_users["pupil"], GuardianKind.LEGAL_1))

    # A little of every account state for the administrator's list.
    generated_parents = [p for p in builder.created if p.profile == Profile.PARENT]
    generated_pupils = [p for p in builder.created if p.profile == Profile.PUPIL]
    generated_parents[0].blocked_at = now
    leaver = generated_pupils[-1]
    leaver.left_at, leaver.is_active = now, False

    builder.save(named_users.values())
    Enrolment.objects.bulk_create(
        Enrolment(
            pupil=pupil,
            classroom=classroom,
            year=year,
            level=level,
            status=EnrolmentStatus.LEFT if pupil is leaver else EnrolmentStatus.ENROLLED,
            left_on=timezone.localdate() if pupil is leaver else None,
        )
        for pupil, classroom, level in enrolments
    )
    Guardianship.objects.bulk_create(
        Guardianship(guardian=parent, child=pupil, kind=kind) for parent, pupil, kind in links
    )
    Classroom.teachers.through.objects.bulk_create(
        Classroom.teachers.through(classroom_id=classroom.pk, user_id=teachers[id(classroom)].pk)
        for classroom in classes
    )
    memberships = [
        SchoolMembership(user=directors[school.pk], school=school, role=SchoolRole.DIRECTOR)
        for school in (maternelle, elementaire)
    ]
    memberships += [
        SchoolMembership(user=teachers[id(classroom)], school=school, role=SchoolRole.TEACHER)
        for classroom, (school, _level) in zip(classes, plan, strict=True)
    ]
    memberships.append(SchoolMembership(user=atsem, school=maternelle, role=SchoolRole.STAFF))
    SchoolMembership.objects.bulk_create(memberships)
    if named:
        _ensure_totp_device(named_users["admin"])
        seed_publications(
            school=elementaire,
            classroom=next(
                c for c, (_s, level) in zip(classes, plan, strict=True) if level == DEMO_CLASS_LEVEL
            ),
            director=named_users["director"],
            teacher=named_users["teacher"],
            pupil=named_users["pupil"],
            parent=named_users["parent"],
            admin=named_users["admin"],
        )

    return CommuneSeed(
        commune=commune,
        created=True,
        schools=2,
        classes=len(classes),
        pupils=len(enrolments),
        parents=len({parent.pk for parent, _pupil, _kind in links}),
        staff=len({m.user_id for m in memberships}),
    )


class _People:
    """Builds unsaved users with invented names; ``save`` writes them in one statement."""

    def __init__(self, *, rng: random.Random, usernames: _Usernames, now: datetime.datetime):
        self.rng = rng
        self.usernames = usernames
        self.now = now
        self.created: list[User] = []

    def _user(
        self,
        profile: str,
        first: str,
        last: str,
        *,
        with_activation_code: bool = False,
        **fields: Any,
    ) -> User:
        user = account_build(
            profile=profile,
            username=self.usernames.new(first, last),
            with_activation_code=with_activation_code,
            first_name=first,
            last_name=last,
            **fields,
        )
        self.created.append(user)
        return user

    def _first_name(self) -> tuple[str, str]:
        if self.rng.random() < 0.5:
            return self.rng.choice(FIRST_NAMES_GIRLS), Civility.MRS
        return self.rng.choice(FIRST_NAMES_BOYS), Civility.MR

    def adult(self, profile: str) -> User:
        first, civility = self._first_name()
        surname = f"{self.rng.choice(SURNAMES)} {DEMO_SUFFIX}"
        return self._user(profile, first, surname, civility=civility, activated_at=self.now)

    def parent(self, surname: str) -> User:
        first, civility = self._first_name()
        # A third of the parents have not activated their account yet.
        if self.rng.random() < 1 / 3:
            return self._user(
                Profile.PARENT,
                first,
                surname,
                civility=civility,
                with_activation_code=True,
            )
        return self._user(Profile.PARENT, first, surname, civility=civility, activated_at=self.now)

    def pupil(self, surname: str, level: str, year: SchoolYear) -> User:
        first, _civility = self._first_name()
        born = datetime.date(year.starts_on.year - AGE_AT_RENTREE[Level(level)] - 1, 1, 1)
        birth_date = born + datetime.timedelta(days=self.rng.randrange(365))
        return self._user(
            Profile.PUPIL, first, surname, birth_date=birth_date, activated_at=self.now
        )

    def named(self, account: NamedAccount) -> User:
        user = account_build(
            profile=account.profile,
            username=account.username,
            password=DEMO_PASSWORD,
            first_name=account.first_name,
            last_name=account.last_name,
            civility=account.civility,
            activated_at=self.now,
        )
        self.usernames.taken.add(account.username)
        return user

    def save(self, named: Iterable[User]) -> list[User]:
        return accounts_bulk_create([*named, *self.created])


# --- second factor and the logins file ----------------------------------------------------------


def _ensure_totp_device(user: User) -> TOTPDevice:
    """The confirmed TOTP device of a demo account that must use 2FA (created once)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
    return device


def _ensure_named_devices() -> None:
    admin = User.objects.filter(username=NAMED_ACCOUNTS["admin"].username).first()
    if admin is not None:
        _ensure_totp_device(admin)


def _secret(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode().rstrip("=")


def _otpauth_uri(device: TOTPDevice, issuer: str) -> str:
    return (
        f"otpauth://totp/{quote(issuer)}:{quote(device.user.get_username())}"
        f"?secret={_secret(device)}&issuer={quote(issuer)}&digits={device.digits}"
        f"&period={device.step}"
    )


def _login_url(host: str, urlconf: str) -> str:
    return absolute_url(host, reverse("accounts:login", urlconf=urlconf))


def _commune_logins(commune: Commune) -> list[DemoLogin]:
    url = _login_url(commune_domain(commune.slug), settings.ROOT_URLCONF)
    logins = []
    for account in NAMED_ACCOUNTS.values():
        user = User.objects.filter(username=account.username).first()
        if user is None:
            continue
        secret = uri = ""
        if user.requires_two_factor:
            device = _ensure_totp_device(user)
            secret, uri = _secret(device), _otpauth_uri(device, f"ENT {commune.name}")
        logins.append(
            DemoLogin(
                username=user.username,
                profile_label=user.get_profile_display(),
                commune=commune.name,
                url=url,
                password=DEMO_PASSWORD,
                totp_secret=secret,
                totp_uri=uri,
            )
        )
    return logins


@transaction.atomic
def _coordinator_login() -> DemoLogin:
    account = COORDINATOR_ACCOUNT
    user = User.objects.filter(username=account.username).first()
    if user is None:
        user = account_create(
            profile=account.profile,
            username=account.username,
            password=DEMO_PASSWORD,
            first_name=account.first_name,
            last_name=account.last_name,
            civility=account.civility,
            activated_at=timezone.now(),
        )
    device = _ensure_totp_device(user)
    return DemoLogin(
        username=user.username,
        profile_label=user.get_profile_display(),
        commune="(groupement)",
        url=_login_url(groupement_host(), settings.PUBLIC_SCHEMA_URLCONF),
        password=DEMO_PASSWORD,
        totp_secret=_secret(device),
        totp_uri=_otpauth_uri(device, "ENT Groupement"),
    )


def write_logins_file(path: Path, logins: list[DemoLogin]) -> None:
    """The demo logins as a text table, readable by the owner only (it holds 2FA secrets)."""
    header = ("identifiant", "profil", "adresse de connexion", "mot de passe", "secret TOTP")
    rows = [
        (login.username, login.profile_label, login.url, login.password, login.totp_secret or "—")
        for login in logins
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        cells = tuple(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
        return "  ".join(cells).rstrip()

    lines = [
        "ENT Groupement — comptes de démonstration (écrit par manage.py seed_demo)",
        "",
        f"Mot de passe de tous les comptes : {DEMO_PASSWORD}",
        "Double authentification (administration et coordination) : ajoutez le secret TOTP",
        "(base32) à une application d'authentification, ou ouvrez son URI otpauth:// ci-dessous,",
        "puis saisissez le code à 6 chiffres demandé après le mot de passe.",
        "",
        line(header),
        line(tuple("-" * width for width in widths)),
        *(line(row) for row in rows),
        "",
        *(f"{login.username} : {login.totp_uri}" for login in logins if login.totp_uri),
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("\n".join(lines))
    path.chmod(0o600)
