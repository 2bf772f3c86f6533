"""Tasks delivered again after their worker died (acks late) take effect once: the ONDE
import job, left "running" by a dead worker, runs again; a second delivery while the first
run is alive is skipped."""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import psycopg2
import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from apps.schools.models import ImportJob, ImportJobStatus
from apps.schools.tasks import import_onde_job


def _job(bordeaux, status: str) -> ImportJob:
    with schema_context("bordeaux"):
        return ImportJob.objects.create(
            school=bordeaux.schools["A"],
            status=status,
            pupils_filename="eleves.csv",
            guardians_filename="responsables.csv",
            pupils_data=b"",
            guardians_data=b"",
        )


@pytest.fixture
def other_session() -> Iterator[psycopg2.extensions.connection]:
    """A connection of its own: another worker's."""
    source = settings.DATABASES["default"]
    conn = psycopg2.connect(
        dbname=source["NAME"],
        user=source["USER"],
        host=source["HOST"],
        port=source["PORT"] or 5432,
    )
    conn.autocommit = True
    try:
        yield conn
    finally:
        conn.close()


def test_a_job_left_running_by_a_dead_worker_runs_again(bordeaux):
    job = _job(bordeaux, ImportJobStatus.RUNNING)

    with schema_context("bordeaux"):
        outcome = import_onde_job(job.pk)
        job.refresh_from_db()

    assert outcome != "skipped"
    assert job.status in (ImportJobStatus.SUCCEEDED, ImportJobStatus.FAILED)
    assert job.finished_at is not None


def test_a_second_delivery_while_the_first_run_is_alive_is_skipped(bordeaux, other_session):
    job = _job(bordeaux, ImportJobStatus.RUNNING)
    key = (zlib.crc32(b"bordeaux") - 2**31, job.pk)
    with other_session.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", key)

    with schema_context("bordeaux"):
        outcome = import_onde_job(job.pk)
        job.refresh_from_db()

    assert outcome == "skipped"
    assert job.status == ImportJobStatus.RUNNING


def test_a_finished_job_delivered_again_is_skipped(bordeaux):
    job = _job(bordeaux, ImportJobStatus.SUCCEEDED)

    with schema_context("bordeaux"):
        assert import_onde_job(job.pk) == "skipped"
