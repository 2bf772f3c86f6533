"""The bar, on a real Celery worker and Redis (``redis_worker``, tests/conftest.py), with a
frozen clock: a notification sent on a Friday at 21:00 is delivered on Monday at 07:00 by
the beat task (not before, exactly once); one sent on a Wednesday at 10:00 at once; a
school's own slots and a holiday week are honoured; the direction's emergency override
delivers at once and is in the journal.

The clock: the notifications are created on the worker (the liaison delivery task) at the
moment ``clock.now`` is frozen to (the worker runs in a thread of this process); the release
is the beat task's, given its "now" in the call as beat gives it, so nothing here depends on
how long a step takes. Transactional tests are not rolled back: each removes what it planted.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django_tenants.utils import get_public_schema_name, schema_context

from apps.accounts.models import Profile, User
from apps.accounts.selectors import actor_for
from apps.audit.models import AuditEvent
from apps.calendar.models import DayOff, Kind
from apps.liaison import tasks as liaison_tasks
from apps.liaison.models import Recipients
from apps.liaison.services import liaison_note_create
from apps.notifications import tasks as notification_tasks
from apps.notifications.models import Notification
from apps.notifications.selectors import feed_for, unread_count
from apps.notifications.services import notify, queue_after_commit
from apps.quiethours.models import QuietHours
from apps.quiethours.schedule import PARIS
from apps.schools.models import School, SchoolMembership, SchoolRole
from tenants.selectors import live_communes
from tests.notifications.test_tasks_worker import (
    UAI,
    plant_a_waiting_note,
    remove_the_waiting_note,
    run_on_the_worker,
)

TAG = "qh"
PARENT = f"{TAG}.parent-eleve"


def paris(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


@pytest.fixture
def planted(quiet_hours: list[datetime.datetime]) -> Iterator[int]:
    """A published note of a class of bordeaux's school UAI, for one family (``PARENT``)."""
    with schema_context("bordeaux"):
        note_id = plant_a_waiting_note(TAG, days_ago=0)
    try:
        yield note_id
    finally:
        with schema_context("bordeaux"):
            AuditEvent.objects.filter(action="quiethours.emergency").delete()
            QuietHours.objects.filter(school__uai=UAI).delete()
            remove_the_waiting_note(TAG)


def send_on_the_worker(note_id: int, *, urgent: bool = False) -> list[Any]:
    def publish() -> list[str]:
        # What liaison_note_publish queues once its transaction commits.
        with schema_context("bordeaux"), transaction.atomic():
            queue_after_commit(liaison_tasks.deliver_liaison_note, note_id, urgent=urgent)
        return []

    return run_on_the_worker(publish, "notifications.deliver_liaison_note", 1)[1]


def release_at(moment: datetime.datetime, runs: int = 1) -> list[int]:
    """The beat task at ``moment``, ``runs`` times back to back: what bordeaux delivered."""
    communes = len(live_communes())

    def beat() -> list[str]:
        queued: list[str] = []
        for _run in range(runs):
            queued += notification_tasks.release_all_communes(now=moment.isoformat())
        return queued

    _queued, results = run_on_the_worker(beat, "notifications.release_held", communes * runs)
    return [pk for result in results if result["schema"] == "bordeaux" for pk in result["released"]]


def seen_by_the_family() -> tuple[list[int], int]:
    with schema_context("bordeaux"):
        parent = User.objects.get(username=PARENT)
        return [n.pk for n in feed_for(parent)], unread_count(parent)


def the_notification() -> Notification:
    with schema_context("bordeaux"):
        return Notification.objects.get(recipient__username=PARENT)


@pytest.mark.django_db(transaction=True)
def test_sent_on_friday_at_21_delivered_on_monday_at_7_by_the_beat_task_once(
    redis_worker, quiet_hours, planted
):
    quiet_hours.append(paris(2026, 3, 13, 21, 0))  # a Friday of school time

    assert send_on_the_worker(planted) == [1]
    held = the_notification()
    assert held.delivered_at is None and held.deliver_at == paris(2026, 3, 16, 7, 0)
    assert seen_by_the_family() == ([], 0)

    assert release_at(paris(2026, 3, 14, 10, 0)) == []  # Saturday
    assert release_at(paris(2026, 3, 16, 6, 59)) == []  # Monday, a minute early
    assert seen_by_the_family() == ([], 0)

    # Two beat runs at 07:00 racing each other on the worker, then a later one.
    assert release_at(paris(2026, 3, 16, 7, 0), runs=2) == [held.pk]
    assert release_at(paris(2026, 3, 16, 7, 5)) == []
    assert seen_by_the_family() == ([held.pk], 1)
    assert the_notification().delivered_at == paris(2026, 3, 16, 7, 0)


@pytest.mark.django_db(transaction=True)
def test_sent_on_wednesday_at_10_delivered_at_once(redis_worker, quiet_hours, planted):
    quiet_hours.append(paris(2026, 3, 11, 10, 0))

    assert send_on_the_worker(planted) == [1]

    notification = the_notification()
    assert notification.delivered_at == paris(2026, 3, 11, 10, 0)
    assert seen_by_the_family() == ([notification.pk], 1)


@pytest.mark.django_db(transaction=True)
def test_a_schools_own_slots_are_honoured(redis_worker, quiet_hours, planted):
    with schema_context("bordeaux"):
        school = School.objects.get(uai=UAI)
        QuietHours.objects.create(
            school=school, morning_end=datetime.time(8, 30), evening_start=datetime.time(18, 0)
        )
    quiet_hours.append(paris(2026, 3, 11, 18, 30))  # within the commune's slot, not the school's

    send_on_the_worker(planted)
    assert the_notification().deliver_at == paris(2026, 3, 12, 8, 30)

    assert release_at(paris(2026, 3, 12, 7, 0)) == []  # the commune's morning, not the school's
    assert release_at(paris(2026, 3, 12, 8, 30)) == [the_notification().pk]


@pytest.fixture
def toussaint_2026() -> Iterator[None]:
    """The Toussaint holidays 2026 of zone A (17 October to 1 November), as the shipped
    calendar has them; a transactional test before this one may have emptied the table."""
    fields = {
        "school_year": "2026-2027",
        "kind": Kind.SCHOOL_HOLIDAYS,
        "zone": "A",
        "name": "Vacances de la Toussaint",
        "first_day": datetime.date(2026, 10, 17),
        "last_day": datetime.date(2026, 11, 1),
    }
    with schema_context(get_public_schema_name()):
        row, created = DayOff.objects.get_or_create(**fields)
    try:
        yield
    finally:
        if created:
            with schema_context(get_public_schema_name()):
                row.delete()


@pytest.mark.django_db(transaction=True)
def test_a_holiday_week_is_honoured(redis_worker, quiet_hours, planted, toussaint_2026):
    quiet_hours.append(paris(2026, 10, 21, 10, 0))  # a Wednesday of the holidays

    send_on_the_worker(planted)
    assert the_notification().deliver_at == paris(2026, 11, 2, 7, 0)

    assert release_at(paris(2026, 10, 28, 10, 0)) == []  # the second week of holidays
    assert release_at(paris(2026, 11, 2, 6, 59)) == []
    assert release_at(paris(2026, 11, 2, 7, 0)) == [the_notification().pk]


@pytest.mark.django_db(transaction=True)
def test_the_directions_emergency_override_delivers_at_once_and_is_journalled(
    redis_worker, quiet_hours, planted
):
    quiet_hours.append(paris(2026, 3, 13, 21, 0))  # Friday evening
    with schema_context("bordeaux"):
        school = School.objects.get(uai=UAI)
        director = User.objects.create(username=f"{TAG}.directrice", profile=Profile.DIRECTOR)
        SchoolMembership.objects.create(user=director, school=school, role=SchoolRole.DIRECTOR)

    def publish_urgently() -> list[str]:
        with schema_context("bordeaux"):
            liaison_note_create(
                author=actor_for(director),
                school=school,
                audience=Recipients.SCHOOL,
                title="École fermée demain",
                text="Inondation du préau.",
                urgent=True,
            )
        return []

    _queued, results = run_on_the_worker(publish_urgently, "notifications.deliver_liaison_note", 1)

    assert results == [2]  # both families of the school, at once
    with schema_context("bordeaux"):
        told = Notification.objects.filter(recipient__username__startswith=f"{TAG}.parent-")
        assert {(n.urgent, n.delivered_at) for n in told} == {(True, paris(2026, 3, 13, 21, 0))}
        event = AuditEvent.objects.get(action="quiethours.emergency")
    assert event.actor_id == director.pk and event.target == "École fermée demain"
    assert event.details["school_id"] == school.pk


@pytest.mark.django_db(transaction=True)
def test_two_releases_racing_deliver_each_held_notification_once(quiet_hours, planted, monkeypatch):
    """Two release runs at the same moment, each on its own connection (as two workers), by
    small batches so that they interleave: each held row is delivered by exactly one."""
    import threading

    from django.db import connection

    from apps.notifications import services

    monkeypatch.setattr(services, "RELEASE_BATCH", 7)

    quiet_hours.append(paris(2026, 3, 13, 21, 0))
    with schema_context("bordeaux"):
        parent = User.objects.get(username=PARENT)
        for n in range(120):
            notify(recipients=[parent], kind="homework", title=f"Travail {n}", url="/")
        held = set(
            Notification.objects.filter(delivered_at__isnull=True).values_list("pk", flat=True)
        )
    start = threading.Barrier(2)
    released: list[list[int]] = []

    def run() -> None:
        try:
            with schema_context("bordeaux"):
                start.wait()
                released.append(services.release_due(paris(2026, 3, 16, 7, 0)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(held) == 120 and len(released) == 2
    first, second = (set(ids) for ids in released)
    assert first | second == held and not first & second
    assert sum(len(ids) for ids in released) == 120
