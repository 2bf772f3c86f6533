"""The nightly fan-out on a real Celery worker and Redis (``redis_worker``, tests/conftest.py):
each live commune's schema is visited once, in its own schema, and the template schema never."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from celery.signals import task_postrun
from django.conf import settings as django_settings
from django_tenants.utils import schema_context

from apps.accounts import tasks
from apps.accounts.models import Profile, User
from apps.audit.models import AuditEvent
from apps.schools.models import (
    Classroom,
    Enrolment,
    EnrolmentStatus,
    School,
    SchoolYear,
)


def plant_a_leaver(tag: str) -> int:
    """A pupil who left at the end of a school year that is over (committed: the worker reads
    it on its own connection)."""
    year = SchoolYear.objects.create(
        label="2020-2021", starts_on=datetime.date(2020, 9, 1), ends_on=datetime.date(2021, 7, 3)
    )
    school = School.objects.create(uai="0331234A", name=f"École {tag}", kind="maternelle")
    classroom = Classroom.objects.create(school=school, year=year, name="GS", levels=["GS"])
    pupil = User.objects.create(username=f"{tag}.partant", profile=Profile.PUPIL)
    Enrolment.objects.create(
        pupil=pupil, classroom=classroom, year=year, status=EnrolmentStatus.LEAVING
    )
    return pupil.pk


def remove_the_leaver(tag: str) -> None:
    """Transactional tests are not rolled back: take out exactly what ``plant_a_leaver`` and
    the task wrote."""
    Enrolment.objects.filter(pupil__username=f"{tag}.partant").delete()
    User.objects.filter(username=f"{tag}.partant").delete()
    Classroom.objects.filter(school__uai="0331234A").delete()
    School.objects.filter(uai="0331234A").delete()
    SchoolYear.objects.filter(label="2020-2021").delete()
    AuditEvent.objects.filter(action="accounts.leavers_deactivated", target="2020-2021").delete()


@pytest.mark.django_db(transaction=True)
def test_the_nightly_fan_out_runs_in_every_live_commune_and_never_the_template(redis_worker):
    results: list[dict[str, Any]] = []
    finished = threading.Event()

    def collect(sender: Any = None, retval: Any = None, **kwargs: Any) -> None:
        if getattr(sender, "name", None) == "accounts.account_lifecycle":
            results.append(retval)
            if len(results) == 3:
                finished.set()

    task_postrun.connect(collect, weak=False)
    template = django_settings.ENT_TEMPLATE_SCHEMA
    try:
        with schema_context("pessac"):
            pessac_pupil = plant_a_leaver("pessac")
        with schema_context(template):
            template_pupil = plant_a_leaver("modele")

        queued = tasks.lifecycle_all_communes()  # what beat runs, in the public schema
        assert finished.wait(timeout=60), f"the worker ran {len(results)} of 3 tasks"

        with schema_context("pessac"):
            pessac_after = User.objects.get(pk=pessac_pupil)
        with schema_context(template):
            template_after = User.objects.get(pk=template_pupil)
            template_events = AuditEvent.objects.count()
    finally:
        task_postrun.disconnect(collect)
        for schema, tag in (("pessac", "pessac"), (template, "modele")):
            with schema_context(schema):
                remove_the_leaver(tag)

    assert queued == ["bassens", "bordeaux", "pessac"]
    by_schema = {result["schema"]: result for result in results}
    assert sorted(by_schema) == ["bassens", "bordeaux", "pessac"]
    assert by_schema["pessac"]["deactivated"]["pupils"] == 1
    assert by_schema["bordeaux"]["deactivated"]["pupils"] == 0
    assert pessac_after.left_at is not None and not pessac_after.is_active
    assert template_after.left_at is None and template_after.is_active
    assert template_events == 0
