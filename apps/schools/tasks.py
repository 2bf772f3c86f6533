"""The ONDE import started from the web, as a Celery task.

The task runs in the schema of the commune that queued it (``tenants.tasks.commune_task``);
it takes the job's id, never a model instance. Progress goes to the job row through a
connection of its own (``JobProgress``), so the status page can follow it while the
import's transaction is still open.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.utils import timezone

from tenants.db import current_schema
from tenants.tasks import commune_task

log = logging.getLogger(__name__)

TASK_NAME = "schools.import_onde"


@contextmanager
def _job_lock(job_id: int) -> Iterator[bool]:
    """Whether this process holds the job's lock (a session lock: PostgreSQL drops it with
    the connection of a worker that died)."""
    key = (zlib.crc32(current_schema().encode()) - 2**31, job_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        held = bool(cursor.fetchone()[0])
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)


@commune_task(TASK_NAME, skipped="skipped")
def import_onde_job(job_id: int, confirm_leavers: bool = False) -> str:
    with _job_lock(job_id) as held:
        if not held:
            log.info("ONDE import job %s is being run by another delivery: skipped", job_id)
            return "skipped"
        return _run_job(job_id, confirm_leavers)


def _run_job(job_id: int, confirm_leavers: bool) -> str:
    from apps.accounts.models import User
    from apps.schools.errors import SchoolDataError
    from apps.schools.models import ImportJob, ImportJobStatus
    from apps.schools.onde.csvfile import SourceFile
    from apps.schools.onde.progress import JobProgress
    from apps.schools.onde.report import OndeImportError
    from apps.schools.onde.service import import_for_school

    job = ImportJob.objects.select_related("school").filter(pk=job_id).first()
    # RUNNING under our lock: the run that set it died (see above).
    if job is None or job.status not in (ImportJobStatus.QUEUED, ImportJobStatus.RUNNING):
        return "skipped"
    job.status = ImportJobStatus.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])
    actor = User.objects.filter(pk=job.requested_by_id).first() if job.requested_by_id else None
    progress = JobProgress(job_id=job.pk, schema=current_schema())
    try:
        report = import_for_school(
            school=job.school,
            pupils=SourceFile(job.pupils_filename, bytes(job.pupils_data)),
            guardians=SourceFile(job.guardians_filename, bytes(job.guardians_data)),
            dry_run=job.dry_run,
            confirm_leavers=confirm_leavers,
            progress=progress,
            actor=actor,
        )
    except OndeImportError as exc:
        job.status = ImportJobStatus.FAILED
        job.errors = [issue.as_dict() for issue in exc.issues]
        job.summary = {"message": str(exc)}
    except SchoolDataError as exc:
        job.status = ImportJobStatus.FAILED
        job.errors = [{"file": "", "line": None, "message": str(exc)}]
        job.summary = {"message": str(exc)}
    except Exception:
        log.exception("ONDE import job %s failed", job_id)
        job.status = ImportJobStatus.FAILED
        job.errors = [
            {
                "file": "",
                "line": None,
                "message": "Erreur inattendue pendant l'import : rien n'a été importé. "
                "L'équipe technique a été prévenue.",
            }
        ]
        raise
    else:
        job.status = ImportJobStatus.SUCCEEDED
        job.summary = report.summary()
        job.summary["names"] = {
            "pupils_created": report.pupils.created,
            "pupils_updated": report.pupils.updated,
            "guardians_created": report.guardians.created,
            "guardians_updated": report.guardians.updated,
            "moved": report.enrolments.moved,
            "leaving": report.enrolments.leaving,
        }
    finally:
        progress.close()
        # The files are personal data: kept only for the import.
        job.pupils_data = b""
        job.guardians_data = b""
        job.finished_at = timezone.now()
        job.save(
            update_fields=[
                "status",
                "errors",
                "summary",
                "pupils_data",
                "guardians_data",
                "finished_at",
            ]
        )
    return str(job.status)
