"""Helpers of the ONDE import tests: files from the generator, imports, counts, logins."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.schools.models import (
    Classroom,
    Enrolment,
    Guardianship,
    School,
    SchoolMembership,
    SchoolYear,
)
from apps.schools.onde import ImportReport, SourceFile, import_for_school
from apps.schools.validators import uai_check_letter
from apps.schools.years import school_year_bounds
from tests.onde.generator import OndeExport, generate
from tests.world import log_in

SCHEMA = "bordeaux"


def uai(digits: str) -> str:
    return digits + uai_check_letter(digits)


SCHOOL_UAI = uai("0331001")
OTHER_UAI = uai("0331002")


def year_start() -> int:
    return school_year_bounds(timezone.localdate())[1].year


def export(
    pupils: int = 30, guardians: int | None = None, seed: int = 1, **kwargs: Any
) -> OndeExport:
    return generate(pupils, guardians, seed=seed, year_start=year_start(), **kwargs)


def sources(
    data: OndeExport | tuple[bytes, bytes], **csv_options: Any
) -> tuple[SourceFile, SourceFile]:
    if isinstance(data, OndeExport):
        data = (data.pupils_csv(**csv_options), data.guardians_csv(**csv_options))
    pupils, guardians = data
    return SourceFile("eleves.csv", pupils), SourceFile("responsables.csv", guardians)


def run_import(
    school: School, data: OndeExport | tuple[bytes, bytes], *, dry_run: bool = False, **options: Any
) -> ImportReport:
    pupils, guardians = sources(data, **options)
    with schema_context(SCHEMA):
        return import_for_school(school=school, pupils=pupils, guardians=guardians, dry_run=dry_run)


def tenant_counts(schema: str = SCHEMA) -> dict[str, int]:
    """Rows of everything an import writes, in one commune's schema."""
    with schema_context(schema):
        return {
            "users": User.objects.count(),
            "years": SchoolYear.objects.count(),
            "classes": Classroom.objects.count(),
            "enrolments": Enrolment.objects.count(),
            "guardianships": Guardianship.objects.count(),
            "memberships": SchoolMembership.objects.count(),
            "class_teachers": Classroom.teachers.through.objects.count(),
            "audit": AuditEvent.objects.count(),
        }


def make_person(schema: str, username: str, profile: str) -> User:
    with schema_context(schema):
        user = User(username=username, first_name="Alex", last_name="Essai", profile=profile)
        user.set_unusable_password()
        user.save()
    return user


# A logged-in client (second factor verified for administrators): tests.world.log_in.
logged_in = log_in
