"""Writes about schools (the commune administrator's pages call these)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from apps.accounts.models import User
from apps.accounts.permissions import Actor, can_administer_commune, can_manage_school
from apps.audit.services import record_event
from apps.outbox.queue import queue_after_commit
from apps.schools.errors import SchoolDataError
from apps.schools.models import DeploymentStatus, ImportJob, School, SchoolKind
from apps.schools.validators import normalise_uai, validate_uai

log = logging.getLogger(__name__)

# What the administrator edits; the logo has its own upload path (school site branding).
SCHOOL_FIELDS = (
    "uai",
    "name",
    "kind",
    "street",
    "postal_code",
    "city",
    "deployment_status",
    "primary_colour",
    "secondary_colour",
)
SCHOOL_NAME_MAX = 200


@transaction.atomic
def school_create(*, actor: User, **fields: Any) -> School:
    """Create a school; ``full_clean`` checks the UAI (check letter, uniqueness) and colours."""
    school = School(**{name: fields[name] for name in SCHOOL_FIELDS if name in fields})
    school.full_clean()
    school.save()
    record_event(
        action="school.created",
        actor=actor,
        target=f"{school.uai} {school.name}",
        details={"school_id": school.pk, "deployment_status": school.deployment_status},
    )
    return school


@transaction.atomic
def school_update(*, actor: User, school: School, **fields: Any) -> School:
    """Change the given fields; the audit line names those that changed, old → new."""
    changes: dict[str, list[str]] = {}
    for name in SCHOOL_FIELDS:
        if name in fields and getattr(school, name) != fields[name]:
            changes[name] = [str(getattr(school, name)), str(fields[name])]
            setattr(school, name, fields[name])
    if not changes:
        return school
    school.full_clean()
    school.save(update_fields=list(changes))
    record_event(
        action="school.updated",
        actor=actor,
        target=f"{school.uai} {school.name}",
        details={"school_id": school.pk, "changes": changes},
    )
    return school


def school_add(
    *,
    commune_name: str,
    uai: str,
    name: str,
    kind: str,
    status: str = DeploymentStatus.NOT_DEPLOYED,
) -> School:
    """Add a school to the commune whose schema is active (the operator's ``add_school``).
    Bad input or a duplicate UAI raises SchoolDataError and changes nothing."""
    uai = normalise_uai(uai)
    name = " ".join((name or "").split())
    try:
        validate_uai(uai)
    except ValidationError as exc:
        raise SchoolDataError(str(exc.messages[0])) from exc
    if not name:
        raise SchoolDataError("Le nom de l'école est vide.")
    if len(name) > SCHOOL_NAME_MAX:
        raise SchoolDataError(f"Le nom de l'école dépasse {SCHOOL_NAME_MAX} caractères.")
    if kind not in SchoolKind.values:
        raise SchoolDataError(
            f"Type d'école inconnu : « {kind} » (attendu : {', '.join(SchoolKind.values)})."
        )
    if status not in DeploymentStatus.values:
        raise SchoolDataError(
            f"Statut inconnu : « {status} » (attendu : {', '.join(DeploymentStatus.values)})."
        )
    existing = School.objects.filter(uai=uai).first()
    if existing is not None:
        raise SchoolDataError(
            f"L'école {uai} existe déjà dans la commune {commune_name} "
            f"(« {existing.name} ») : rien n'a changé."
        )
    try:
        with transaction.atomic():
            school = School.objects.create(uai=uai, name=name, kind=kind, deployment_status=status)
            record_event(
                action="school.added",
                target=f"{uai} {name}",
                details={"uai": uai, "kind": kind, "status": status},
            )
    except IntegrityError as exc:  # the same UAI was added concurrently
        raise SchoolDataError(
            f"L'école {uai} vient d'être ajoutée par ailleurs : rien n'a changé."
        ) from exc
    log.info("school %s added", uai)
    return school


# --- ONDE imports ---------------------------------------------------------------------------


class ImportNotAllowed(Exception):
    """The caller may not import into this school."""


@transaction.atomic
def import_job_create(
    *,
    actor: Actor,
    school: School,
    pupils: UploadedFile,
    guardians: UploadedFile,
    dry_run: bool,
    confirm_leavers: bool,
) -> ImportJob:
    """An ONDE import of ``school`` (or its simulation), run by a Celery task queued once the
    job row is committed. The commune administrator imports into any school, a director into
    the schools they direct."""
    if not (
        can_administer_commune(actor=actor) or can_manage_school(actor=actor, school_id=school.pk)
    ):
        raise ImportNotAllowed("not allowed to import into this school")
    job = ImportJob.objects.create(
        school=school,
        requested_by_id=actor.id,
        requested_by_name=actor.display_name,
        dry_run=dry_run,
        pupils_filename=(pupils.name or "")[:255],
        guardians_filename=(guardians.name or "")[:255],
        pupils_data=pupils.read(),
        guardians_data=guardians.read(),
    )
    from apps.schools.tasks import import_onde_job  # the task module imports this one

    # A broker outage keeps the task in the outbox, sent once the broker is back.
    queue_after_commit(import_onde_job, job.pk, confirm_leavers=confirm_leavers)
    return job
