"""Teachers from a simple CSV file: accounts, school memberships, and their classes.

The file (``;``-separated, UTF-8 or Windows-1252, one line per teacher and school)::

    nom;prénom;courriel;UAI;classes
    Fictif;Camille;camille.fictif@example.org;0330001X;CE1 A,CE1-CE2 B

A teacher is known by their e-mail address (among the commune's staff accounts). Each line
makes sure the account exists with that name, that it is a teacher of the school, and that
it teaches the named classes of the current year (classes missing are created). Nothing is
ever removed, so the same file imported twice changes nothing the second time. All or
nothing: a file with errors imports nothing and lists every error with its line.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower

from apps.accounts.models import Profile, User

# Accounts a teacher line may be (an existing director stays a director).
from apps.accounts.permissions import STAFF_PROFILES
from apps.accounts.services import account_build, accounts_bulk_create
from apps.accounts.signals import names_changed
from apps.audit.services import record_event
from apps.french.formatting import de
from apps.schools.models import (
    Classroom,
    School,
    SchoolMembership,
    SchoolRole,
    SchoolYear,
)
from apps.schools.onde.csvfile import (
    Column,
    FileProblem,
    Issue,
    SourceFile,
    cell,
    read_table,
    resolve_columns,
)
from apps.schools.onde.levels import levels_in_name
from apps.schools.onde.names import (
    UsernameAllocator,
    clean_text,
    match_key,
    username_base,
    usernames_taken,
)
from apps.schools.onde.parsing import CLASS_NAME_MAX, EMAIL_MAX, NAME_MAX, class_key
from apps.schools.onde.plan import class_setup_for
from apps.schools.onde.report import OndeImportError, Outcome
from apps.schools.onde.service import lock_commune_accounts
from apps.schools.validators import normalise_uai
from apps.schools.years import (
    current_school_year,
    ensure_current_school_year,
    school_year_label_for_today,
)
from tenants.db import current_schema

log = logging.getLogger(__name__)

TEACHER_COLUMNS = (
    Column("last_name", "nom", ("Nom enseignant", "Nom de famille", "Nom d'usage"), required=True),
    Column("first_name", "prénom", ("Prénom enseignant",), required=True),
    Column(
        "email",
        "courriel",
        ("Courriel enseignant", "Adresse électronique", "Email", "E-mail", "Mél"),
        required=True,
    ),
    Column("uai", "UAI", ("Code UAI", "UAI école", "École"), required=True),
    Column("classes", "classes", ("Classe", "Classes enseignées", "Libellé classe")),
)


@dataclass
class TeacherLine:
    line: int
    last_name: str
    first_name: str
    email: str
    # (school UAI, class names) pairs, from every line of this teacher.
    postings: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class TeacherImportReport:
    year_label: str
    dry_run: bool
    teachers: Outcome = field(default_factory=Outcome)
    memberships_created: list[str] = field(default_factory=list)
    classes_created: list[str] = field(default_factory=list)
    class_links_created: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        return {
            "year": self.year_label,
            "dry_run": self.dry_run,
            "teachers": self.teachers.counts(),
            "memberships_created": len(self.memberships_created),
            "classes_created": len(self.classes_created),
            "class_links_created": len(self.class_links_created),
        }

    @property
    def changed_anything(self) -> bool:
        return bool(
            self.teachers.created
            or self.teachers.updated
            or self.memberships_created
            or self.classes_created
            or self.class_links_created
        )


@dataclass
class TeachersFile:
    teachers: list[TeacherLine]
    # Every (line, UAI) of the file, lines with other errors included, so that unknown
    # schools are reported together with everything else.
    uai_lines: list[tuple[int, str]]
    issues: list[Issue]


def parse_teachers(source: SourceFile) -> TeachersFile:
    try:
        table = read_table(source)
        positions = resolve_columns(table, TEACHER_COLUMNS)
    except FileProblem as exc:
        return TeachersFile([], [], [exc.issue])
    issues: list[Issue] = []
    uai_lines: list[tuple[int, str]] = []
    by_email: dict[str, TeacherLine] = {}
    for record in table.records:

        def error(message: str, line: int = record.line) -> None:
            issues.append(Issue(source.name, line, message))

        last = clean_text(cell(record, positions, "last_name"))
        first = clean_text(cell(record, positions, "first_name"))
        email = cell(record, positions, "email").lower()
        uai = normalise_uai(cell(record, positions, "uai"))
        before = len(issues)
        if not last:
            error("nom manquant.")
        if not first:
            error("prénom manquant.")
        if len(last) > NAME_MAX or len(first) > NAME_MAX:
            error(f"nom ou prénom trop long ({NAME_MAX} caractères au plus).")
        if not email:
            error("courriel manquant.")
        else:
            try:
                if len(email) > EMAIL_MAX:
                    raise ValidationError("too long")
                validate_email(email)
            except ValidationError:
                error(f"courriel « {email} » invalide.")
        if not uai:
            error("code UAI manquant.")
        else:
            uai_lines.append((record.line, uai))
        classes = [clean_text(name) for name in cell(record, positions, "classes").split(",")]
        classes = [name for name in classes if name]
        for name in classes:
            if len(name) > CLASS_NAME_MAX:
                error(f"nom de classe « {name[:30]}… » trop long.")
        if len(issues) > before:
            continue
        known = by_email.get(email)
        if known is None:
            known = by_email[email] = TeacherLine(
                line=record.line, last_name=last, first_name=first, email=email
            )
        elif (match_key(known.last_name), match_key(known.first_name)) != (
            match_key(last),
            match_key(first),
        ):
            error(
                f"le courriel {email} est celui {de(known.first_name)} {known.last_name} "
                f"(ligne {known.line}), pas de {first} {last}."
            )
            continue
        names = known.postings.setdefault(uai, [])
        for name in classes:
            if class_key(name) not in {class_key(n) for n in names}:
                names.append(name)
    if not table.records:
        issues.append(Issue(source.name, 1, "aucun enseignant dans le fichier."))
    return TeachersFile(list(by_email.values()), uai_lines, issues)


def unknown_schools(file: TeachersFile, file_name: str) -> list[Issue]:
    """Lines naming a school the commune does not have (in the active schema)."""
    known = set(
        School.objects.filter(uai__in={uai for _, uai in file.uai_lines}).values_list(
            "uai", flat=True
        )
    )
    return [
        Issue(file_name, line, f"aucune école {uai} dans la commune (ajoutez-la : add_school).")
        for line, uai in file.uai_lines
        if uai not in known
    ]


class _TeacherPlan:
    """Reads what exists (a fixed number of queries) and works out what to write."""

    def __init__(self, teachers: list[TeacherLine], year: SchoolYear | None, label: str) -> None:
        self.teachers = teachers
        self.year = year
        self.report = TeacherImportReport(year_label=label, dry_run=False)
        self.new_users: list[User] = []
        self.changed_users: list[User] = []
        self.renamed_ids: list[int] = []
        self.new_classes: list[Classroom] = []
        self.new_memberships: list[tuple[User, School]] = []
        self.new_links: list[tuple[Classroom, User]] = []

    def build(self) -> None:
        uais = sorted({uai for t in self.teachers for uai in t.postings})
        schools = {s.uai: s for s in School.objects.filter(uai__in=uais)}

        emails = [t.email for t in self.teachers]
        existing: dict[str, User] = {}
        for staff in (
            User.objects.annotate(email_key=Lower("email"))
            .filter(email_key__in=emails, profile__in=STAFF_PROFILES)
            .order_by("pk")
        ):
            existing.setdefault(staff.email.lower(), staff)
        user_ids = [u.pk for u in existing.values()]
        memberships = set(
            SchoolMembership.objects.filter(
                user_id__in=user_ids, role=SchoolRole.TEACHER
            ).values_list("user_id", "school_id")
        )
        classrooms: dict[tuple[int, str], Classroom] = {}
        if self.year is not None:
            for classroom in Classroom.objects.filter(
                school__in=list(schools.values()), year=self.year
            ):
                classrooms[(classroom.school_id, class_key(classroom.name))] = classroom
        through = Classroom.teachers.through
        links = set(
            through.objects.filter(
                classroom_id__in=[c.pk for c in classrooms.values()], user_id__in=user_ids
            ).values_list("classroom_id", "user_id")
        )

        new_accounts: list[User] = []
        for teacher in self.teachers:
            found = existing.get(teacher.email)
            if found is None:
                user = account_build(
                    profile=Profile.TEACHER,
                    with_activation_code=True,
                    first_name=teacher.first_name,
                    last_name=teacher.last_name,
                    email=teacher.email,
                )
                new_accounts.append(user)
                self.new_users.append(user)
                self.report.teachers.created.append(f"{teacher.first_name} {teacher.last_name}")
            else:
                user = found
                changes = []
                if user.first_name != teacher.first_name:
                    user.first_name = teacher.first_name
                    changes.append("prénom")
                if user.last_name != teacher.last_name:
                    user.last_name = teacher.last_name
                    changes.append("nom")
                if changes:
                    self.renamed_ids.append(user.pk)
                if user.profile == Profile.STAFF:
                    user.profile = Profile.TEACHER
                    changes.append("profil")
                if changes:
                    self.changed_users.append(user)
                    self.report.teachers.updated.append(
                        f"{user.display_name} ({', '.join(changes)})"
                    )
                else:
                    self.report.teachers.unchanged.append(user.display_name)
            for uai, class_names in teacher.postings.items():
                school = schools[uai]
                if user.pk is None or (user.pk, school.pk) not in memberships:
                    self.new_memberships.append((user, school))
                    self.report.memberships_created.append(f"{teacher.email} → {uai}")
                for name in class_names:
                    key = (school.pk, class_key(name))
                    known = classrooms.get(key)
                    if known is None:
                        classroom = Classroom(
                            school=school,
                            name=name,
                            levels=levels_in_name(name),
                            setup=class_setup_for(name),
                        )
                        classrooms[key] = classroom
                        self.new_classes.append(classroom)
                        self.report.classes_created.append(f"{name} ({uai})")
                    else:
                        classroom = known
                    if (
                        user.pk is None
                        or classroom.pk is None
                        or (classroom.pk, user.pk) not in links
                    ):
                        self.new_links.append((classroom, user))
                        self.report.class_links_created.append(f"{teacher.email} → {name}")

        allocator = UsernameAllocator(
            usernames_taken(
                username_base(u.first_name, u.last_name, fallback="enseignant")
                for u in new_accounts
            )
        )
        for user in new_accounts:
            user.username = allocator.allocate(
                username_base(user.first_name, user.last_name, fallback="enseignant")
            )

    def apply(self, year: SchoolYear) -> None:
        for classroom in self.new_classes:
            classroom.year = year
        if self.new_classes:
            Classroom.objects.bulk_create(self.new_classes)
        if self.new_users:
            accounts_bulk_create(self.new_users)
        if self.changed_users:
            User.objects.bulk_update(self.changed_users, ["first_name", "last_name", "profile"])
        if self.renamed_ids:
            names_changed.send(sender=User, user_ids=self.renamed_ids)
        if self.new_memberships:
            SchoolMembership.objects.bulk_create(
                [
                    SchoolMembership(user=user, school=school, role=SchoolRole.TEACHER)
                    for user, school in self.new_memberships
                ],
                ignore_conflicts=True,
            )
        if self.new_links:
            through = Classroom.teachers.through
            through.objects.bulk_create(
                [through(classroom_id=c.pk, user_id=u.pk) for c, u in self.new_links],
                ignore_conflicts=True,
            )


def teachers_import(*, source: SourceFile, dry_run: bool = False) -> TeacherImportReport:
    """Create or update the teachers a CSV file lists, in the commune whose schema is active,
    in one transaction (see module doc)."""
    parsed = parse_teachers(source)
    teachers = parsed.teachers
    issues = parsed.issues + unknown_schools(parsed, source.name)
    if issues:
        raise OndeImportError(issues)
    if dry_run:
        year = current_school_year(create=False)
        label = year.label if year is not None else school_year_label_for_today()
        plan = _TeacherPlan(teachers, year, label)
        plan.build()
        plan.report.dry_run = True
        return plan.report
    with transaction.atomic():
        lock_commune_accounts()
        year, _ = ensure_current_school_year()
        plan = _TeacherPlan(teachers, year, year.label)
        plan.build()
        plan.apply(year)
        if plan.report.changed_anything:
            record_event(
                action="import.teachers", target=source.name, details=plan.report.summary()
            )
    log.info("teachers import into %s: %s", current_schema(), plan.report.summary())
    return plan.report
