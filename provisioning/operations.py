"""The operator's commands on a commune's schools: the commune found by its slug, then the
commune app's service run in its schema (``add_school``, ``import_onde``,
``import_teachers``).

The services themselves live in ``apps.schools`` (they run in the schema that is active, the
web pages call them too); this module only adds what an operator types: the commune's slug
and the school's UAI. An unknown or archived commune raises ``ProvisioningError``; what the
services refuse raises ``SchoolDataError`` (both one line, nothing changed).
"""

from __future__ import annotations

from django_tenants.utils import schema_context

from apps.schools import services as school_services
from apps.schools.models import DeploymentStatus, School
from apps.schools.onde import ImportReport, SourceFile, import_for_school
from apps.schools.onde.progress import ProgressReporter
from apps.schools.onde.service import school_by_uai
from apps.schools.teachers import TeacherImportReport
from apps.schools.teachers import teachers_import as teachers_import_here
from provisioning.services import ProvisioningError
from tenants.models import Commune, CommuneStatus


def commune_by_slug(slug: str) -> Commune:
    """The commune named by ``slug``; an unknown or archived one is an operator error."""
    slug = (slug or "").strip().lower()
    commune = Commune.objects.filter(slug=slug).first()
    if commune is None:
        raise ProvisioningError(f"Commune inconnue : « {slug} ».")
    if commune.status == CommuneStatus.ARCHIVED:
        raise ProvisioningError(f"La commune {commune.name} est archivée : rien n'a changé.")
    return commune


def school_add(
    *,
    commune_slug: str,
    uai: str,
    name: str,
    kind: str,
    status: str = DeploymentStatus.NOT_DEPLOYED,
) -> School:
    """Add a school to a commune (``apps.schools.services.school_add`` in its schema)."""
    commune = commune_by_slug(commune_slug)
    with schema_context(commune.schema_name):
        return school_services.school_add(
            commune_name=commune.name, uai=uai, name=name, kind=kind, status=status
        )


def onde_import(
    *,
    commune_slug: str,
    school_uai: str,
    pupils: SourceFile,
    guardians: SourceFile,
    dry_run: bool = False,
    confirm_leavers: bool = False,
    progress: ProgressReporter | None = None,
) -> ImportReport:
    """``manage.py import_onde``: commune and school by name, then ``import_for_school``."""
    commune = commune_by_slug(commune_slug)
    with schema_context(commune.schema_name):
        school = school_by_uai(school_uai, commune_name=commune.name)
        return import_for_school(
            school=school,
            pupils=pupils,
            guardians=guardians,
            dry_run=dry_run,
            confirm_leavers=confirm_leavers,
            progress=progress,
        )


def teachers_import(
    *, commune_slug: str, source: SourceFile, dry_run: bool = False
) -> TeacherImportReport:
    """``manage.py import_teachers``: ``apps.schools.teachers.teachers_import`` in the
    commune's schema."""
    commune = commune_by_slug(commune_slug)
    with schema_context(commune.schema_name):
        return teachers_import_here(source=source, dry_run=dry_run)
