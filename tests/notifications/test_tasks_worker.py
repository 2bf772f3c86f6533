"""The reminder and digest fan-outs on a real Celery worker and Redis (``redis_worker``,
tests/conftest.py): each live commune is visited in its own schema, never the template nor a
suspended commune. Transactional tests are not rolled back: each test removes what it planted.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from celery.signals import task_postrun
from django.conf import settings as django_settings
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from apps.homework.notifications import HOMEWORK
from apps.liaison import tasks as liaison_tasks
from apps.liaison.models import LiaisonNote, NoteRecipient, Recipients, Reminder
from apps.liaison.notifications import LIAISON_NOTE, LIAISON_REMINDER
from apps.liaison.publications import NOTE
from apps.notifications import tasks as notification_tasks
from apps.notifications.models import Notification, NotificationPreference
from apps.notifications.services import queue_after_commit
from apps.publications.models import Publication
from apps.schools.models import Classroom, Enrolment, GuardianKind, Guardianship, School, SchoolYear
from tenants.models import Commune, CommuneStatus
from tests.world import uai

TEMPLATE = django_settings.ENT_TEMPLATE_SCHEMA
UAI = uai("0339901")


def plant_a_waiting_note(tag: str, *, days_ago: int) -> int:
    """A note of class "R" published ``days_ago`` days ago, asking for a confirmation that
    the parent of its only pupil has not given; a parent of another class too."""
    year = SchoolYear.objects.create(
        label="2030-2031",
        starts_on=datetime.date(2030, 9, 1),
        ends_on=datetime.date(2031, 7, 3),
        is_current=True,
    )
    school = School.objects.create(uai=UAI, name=f"École {tag}", kind="elementaire")
    mine = Classroom.objects.create(school=school, year=year, name="R", levels=["CP"])
    other = Classroom.objects.create(school=school, year=year, name="S", levels=["CE1"])
    for name, classroom in (("eleve", mine), ("autre", other)):
        pupil = User.objects.create(username=f"{tag}.{name}", profile=Profile.PUPIL)
        parent = User.objects.create(username=f"{tag}.parent-{name}", profile=Profile.PARENT)
        Enrolment.objects.create(pupil=pupil, classroom=classroom, year=year)
        Guardianship.objects.create(guardian=parent, child=pupil, kind=GuardianKind.LEGAL_1)
    note = LiaisonNote.objects.create(
        publication=Publication.objects.create(kind=NOTE),
        school=school,
        classroom=mine,
        audience=Recipients.CLASS,
        author_name="Enseignant",
        title=f"Sortie {tag}",
        text="Jeudi.",
        published_at=timezone.now() - datetime.timedelta(days=days_ago),
    )
    NoteRecipient.objects.create(
        note=note, child=User.objects.get(username=f"{tag}.eleve"), classroom=mine
    )
    return note.pk


def remove_the_waiting_note(tag: str) -> None:
    Notification.objects.filter(recipient__username__startswith=f"{tag}.").delete()
    LiaisonNote.objects.filter(school__uai=UAI).delete()  # recipients, reminders cascade
    Enrolment.objects.filter(classroom__school__uai=UAI).delete()
    User.objects.filter(username__startswith=f"{tag}.").delete()  # guardianships cascade
    Classroom.objects.filter(school__uai=UAI).delete()
    School.objects.filter(uai=UAI).delete()
    SchoolYear.objects.filter(label="2030-2031").delete()


@contextmanager
def bassens_suspended() -> Iterator[None]:
    Commune.objects.filter(slug="bassens").update(status=CommuneStatus.SUSPENDED)
    try:
        yield
    finally:
        Commune.objects.filter(slug="bassens").update(status=CommuneStatus.ACTIVE)


def run_on_the_worker(
    fan_out: Callable[[], list[str]], task_name: str, expected: int
) -> tuple[list[str], list[dict[str, Any]]]:
    results: list[dict[str, Any]] = []
    finished = threading.Event()

    def collect(sender: Any = None, retval: Any = None, **kwargs: Any) -> None:
        if getattr(sender, "name", None) == task_name:
            results.append(retval)
            if len(results) == expected:
                finished.set()

    task_postrun.connect(collect, weak=False)
    try:
        queued = fan_out()  # what beat runs, in the public schema
        assert finished.wait(timeout=60), f"the worker ran {len(results)} of {expected} tasks"
    finally:
        task_postrun.disconnect(collect)
    return queued, results


@pytest.mark.django_db(transaction=True)
def test_reminders_reach_the_waiting_families_of_live_communes_once_a_day(redis_worker):
    planted = (("bordeaux", "bx"), ("bassens", "bs"), (TEMPLATE, "tpl"))
    try:
        with schema_context("bordeaux"):
            bordeaux_note = plant_a_waiting_note("bx", days_ago=4)
        for schema, tag in planted[1:]:
            with schema_context(schema):
                plant_a_waiting_note(tag, days_ago=4)

        with bassens_suspended():
            queued, results = run_on_the_worker(
                liaison_tasks.reminders_all_communes, "liaison.send_reminders", 2
            )
            again, second = run_on_the_worker(
                liaison_tasks.reminders_all_communes, "liaison.send_reminders", 2
            )

        with schema_context("bordeaux"):
            reminder = Reminder.objects.get()
            notified = list(
                Notification.objects.filter(kind=LIAISON_REMINDER).values_list(
                    "recipient__username", flat=True
                )
            )
            child = User.objects.get(username="bx.eleve").pk
        elsewhere = {}
        for schema, _tag in planted[1:]:
            with schema_context(schema):
                elsewhere[schema] = (Reminder.objects.count(), Notification.objects.count())
    finally:
        for schema, tag in planted:
            with schema_context(schema):
                remove_the_waiting_note(tag)

    assert queued == again == ["bordeaux", "pessac"]
    by_schema = {result["schema"]: result for result in results}
    assert by_schema == {
        "bordeaux": {"schema": "bordeaux", "notes": [bordeaux_note]},
        "pessac": {"schema": "pessac", "notes": []},
    }
    assert {result["schema"]: result["notes"] for result in second} == {
        "bordeaux": [],
        "pessac": [],
    }  # never twice a day
    assert reminder.note_id == bordeaux_note and reminder.child_ids == [child]
    assert reminder.sent_by is None
    assert notified == ["bx.parent-eleve"]  # not the parent of the other class
    assert elsewhere == {"bassens": (0, 0), TEMPLATE: (0, 0)}


def test_a_note_published_too_recently_is_not_reminded(db):
    with schema_context("bordeaux"):
        plant_a_waiting_note("bx", days_ago=2)

        assert liaison_tasks.reminders_due(days=3) == []
        assert Reminder.objects.count() == 0


def plant_digest_readers(tag: str) -> None:
    """An adult who opted in, and a pupil with a preference row written behind the rules' back
    — each with an unread notification and an e-mail address."""
    for name, profile in (("adulte", Profile.PARENT), ("eleve", Profile.PUPIL)):
        user = User.objects.create(
            username=f"{tag}.{name}", profile=profile, email=f"{tag}.{name}@example.org"
        )
        NotificationPreference.objects.create(user=user, email_digest=True)
        Notification.objects.create(recipient=user, kind=HOMEWORK, title=f"Travail {tag}", url="/")


def remove_digest_readers(tag: str) -> None:
    User.objects.filter(username__startswith=f"{tag}.").delete()  # rows cascade


@pytest.mark.django_db(transaction=True)
def test_one_digest_per_adult_a_day_never_to_a_pupil_nor_outside_live_communes(redis_worker):
    planted = (("pessac", "pe"), ("bassens", "bs"), (TEMPLATE, "tpl"))
    mail.outbox = []
    try:
        for schema, tag in planted:
            with schema_context(schema):
                plant_digest_readers(tag)

        with bassens_suspended():
            queued, results = run_on_the_worker(
                notification_tasks.digests_all_communes, "notifications.send_digests", 2
            )
            run_on_the_worker(
                notification_tasks.digests_all_communes, "notifications.send_digests", 2
            )
        with schema_context("pessac"):
            emailed = set(
                Notification.objects.filter(emailed_at__isnull=False).values_list(
                    "recipient__username", flat=True
                )
            )
    finally:
        for schema, tag in planted:
            with schema_context(schema):
                remove_digest_readers(tag)

    assert queued == ["bordeaux", "pessac"]
    assert {r["schema"]: r["sent"] for r in results} == {"bordeaux": 0, "pessac": 1}
    assert [message.to for message in mail.outbox] == [["pe.adulte@example.org"]]
    assert "Travail pe" in mail.outbox[0].body
    assert emailed == {"pe.adulte"}


@pytest.mark.django_db(transaction=True)
def test_a_delivery_queued_after_commit_runs_on_the_worker_in_the_communes_schema(redis_worker):
    try:
        with schema_context("bordeaux"):
            note_id = plant_a_waiting_note("dl", days_ago=0)

        def publish_in_bordeaux() -> list[str]:
            # What liaison_note_publish does once its transaction commits.
            with schema_context("bordeaux"), transaction.atomic():
                queue_after_commit(liaison_tasks.deliver_liaison_note, note_id)
            return []

        _queued, results = run_on_the_worker(
            publish_in_bordeaux, "notifications.deliver_liaison_note", 1
        )
        with schema_context("bordeaux"):
            notified = list(
                Notification.objects.filter(kind=LIAISON_NOTE).values_list(
                    "recipient__username", "event"
                )
            )
    finally:
        with schema_context("bordeaux"):
            remove_the_waiting_note("dl")

    assert results == [1]
    assert notified == [("dl.parent-eleve", f"liaison_note:{note_id}")]
