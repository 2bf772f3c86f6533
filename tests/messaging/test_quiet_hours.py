"""Quiet hours for the messagerie, on a real Celery worker and Redis (``redis_worker``), with
a frozen clock: a message sent on a Friday at 21:00 is stored at once, delivered and notified
on Monday at 07:00 by the beat task (not before, exactly once), and its sender's page says
when; the direction's emergency override delivers at once and is in the journal.

As in tests/quiethours/test_worker.py: the worker runs in a thread of this process, so it
reads the frozen clock; the beat task gets its "now" as beat gives it. Transactional tests
are not rolled back: each removes what it planted.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from apps.accounts.selectors import actor_for
from apps.audit.models import AuditEvent
from apps.messaging import tasks
from apps.messaging.models import Box, Copy, Field, GroupKind, Message, State
from apps.messaging.rules import Group
from apps.messaging.services import Recipient, draft_save, message_send
from apps.notifications.models import Notification
from apps.publications.models import Publication
from apps.schools.models import Classroom, SchoolMembership, SchoolRole
from tenants.selectors import live_communes
from tests.notifications.test_tasks_worker import (
    UAI,
    plant_a_waiting_note,
    remove_the_waiting_note,
    run_on_the_worker,
)
from tests.quiethours.test_worker import paris
from tests.world import log_in

TAG = "mq"
PARENT = f"{TAG}.parent-eleve"
OTHER_PARENT = f"{TAG}.parent-autre"


@pytest.fixture
def family_and_teacher(quiet_hours) -> Iterator[tuple[User, Group]]:
    """Class "R" of a school of bordeaux (one pupil, its parent), its teacher who directs
    the school, and the group "Parents de R"."""
    with schema_context("bordeaux"):
        plant_a_waiting_note(TAG, days_ago=0)
        classroom = Classroom.objects.get(school__uai=UAI, name="R")
        teacher = User.objects.create(
            username=f"{TAG}.enseignant",
            profile=Profile.DIRECTOR,
            first_name="Zoé",
            last_name="Roux",
        )
        SchoolMembership.objects.create(
            user=teacher, school=classroom.school, role=SchoolRole.DIRECTOR
        )
        classroom.teachers.add(teacher)
        group = Group(
            kind=GroupKind.CLASS_PARENTS, school_id=classroom.school_id, classroom_id=classroom.pk
        )
    try:
        yield teacher, group
    finally:
        with schema_context("bordeaux"):
            AuditEvent.objects.filter(action="quiethours.emergency").delete()
            ids = Message.objects.filter(sender__username__startswith=f"{TAG}.")
            Publication.objects.filter(pk__in=ids.values("publication_id")).delete()
            SchoolMembership.objects.filter(user__username__startswith=f"{TAG}.").delete()
            remove_the_waiting_note(TAG)


def send(teacher: User, group: Group, *, urgent: bool = False) -> Message:
    with schema_context("bordeaux"):
        actor = actor_for(teacher)
        draft = draft_save(
            actor=actor,
            subject="Sortie",
            body="Rendez-vous à 8 h.",
            recipients=[Recipient(field=Field.TO, group_key=group.key)],
        )
        return message_send(actor=actor, draft=draft, urgent=urgent).message


def release_at(moment: datetime.datetime, runs: int = 1) -> list[int]:
    """The beat task at ``moment`` (``runs`` times back to back): what bordeaux delivered."""
    communes = len(live_communes())

    def beat() -> list[str]:
        queued: list[str] = []
        for _run in range(runs):
            queued += tasks.release_all_communes(now=moment.isoformat())
        return queued

    _queued, results = run_on_the_worker(beat, "messaging.release_scheduled", communes * runs)
    return [pk for r in results if r["schema"] == "bordeaux" for pk in r["delivered"]]


def inbox_of(username: str) -> list[int]:
    with schema_context("bordeaux"):
        return list(
            Copy.objects.filter(owner__username=username, box=Box.INBOX).values_list(
                "message_id", flat=True
            )
        )


def told(username: str) -> list[Notification]:
    with schema_context("bordeaux"):
        return list(Notification.objects.filter(recipient__username=username, kind="message"))


@pytest.mark.django_db(transaction=True)
def test_sent_on_friday_at_21_delivered_and_notified_on_monday_at_7_once(
    redis_worker,
    quiet_hours,
    family_and_teacher,
    tenant_client,
):
    teacher, group = family_and_teacher
    quiet_hours.append(paris(2026, 3, 13, 21, 0))  # a Friday of school time

    message = send(teacher, group)
    assert message.state == State.SCHEDULED
    assert message.deliver_at == paris(2026, 3, 16, 7, 0)
    assert inbox_of(PARENT) == []

    client: Client = log_in(tenant_client, "bordeaux", teacher)
    page = client.get(f"/messagerie/messages/{message.pk}/").content.decode()
    assert "sera remis lundi 16 mars à 7 h 00" in page

    assert release_at(paris(2026, 3, 14, 10, 0)) == []  # Saturday
    assert release_at(paris(2026, 3, 16, 6, 59)) == []  # Monday, a minute early
    assert inbox_of(PARENT) == [] and told(PARENT) == []

    quiet_hours.append(paris(2026, 3, 16, 7, 0))
    _queued, notified = run_on_the_worker(
        lambda: tasks.release_all_communes(now=paris(2026, 3, 16, 7, 0).isoformat()),
        "messaging.notify_delivered",
        1,
    )
    assert notified == [1]
    assert release_at(paris(2026, 3, 16, 7, 5), runs=2) == []  # nothing twice
    assert inbox_of(PARENT) == [message.pk]
    assert inbox_of(OTHER_PARENT) == []
    (notification,) = told(PARENT)
    assert notification.delivered_at == paris(2026, 3, 16, 7, 0)
    assert "Rendez-vous" not in notification.title  # what it says stays in the ENT
    with schema_context("bordeaux"):
        assert Message.objects.get(pk=message.pk).delivered_at == paris(2026, 3, 16, 7, 0)


@pytest.mark.django_db(transaction=True)
def test_the_directions_emergency_override_delivers_at_once_and_is_journalled(
    redis_worker,
    quiet_hours,
    family_and_teacher,
):
    teacher, group = family_and_teacher
    quiet_hours.append(paris(2026, 3, 13, 21, 0))

    message = send(teacher, group, urgent=True)

    assert message.state == State.DELIVERED
    assert inbox_of(PARENT) == [message.pk]
    with schema_context("bordeaux"):
        event = AuditEvent.objects.get(action="quiethours.emergency")
    assert event.details["message_id"] == message.pk
