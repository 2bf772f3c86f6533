"""Writes about schools (the commune administrator's pages call these)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.accounts.permissions import Actor, can_administer_commune, can_manage_school
from apps.audit.services import record_event
from apps.outbox.queue import queue_task
from apps.schools.models import ImportJob, School
from tenants.db import current_schema

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


# --- ONDE imports ---------------------------------------------------------------------------


class ImportNotAllowed(Exception):
    """The caller may not import into this school."""


def _queue_import_job(schema: str, job_id: int, confirm: bool) -> None:
    from provisioning.onde.tasks import import_onde_job

    # In the job's schema (the connection may have moved on since the commit): the task runs
    # there. A broker outage keeps the task in the outbox, sent once the broker is back.
    with schema_context(schema):
        queue_task(import_onde_job, job_id, confirm_leavers=confirm)


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
    schema, job_id = current_schema(), job.pk
    transaction.on_commit(lambda: _queue_import_job(schema, job_id, confirm_leavers))
    return job
