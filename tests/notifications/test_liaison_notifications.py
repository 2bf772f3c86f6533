"""Who is notified of what in the cahier de liaison: the guardians of the children a note
concerns, the note's author for a reply, nobody else (tests/world.py: par1 is p1's parent in
class A1, par3 p3's in A2, par4 p4's in école B)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.homework.notifications import HOMEWORK
from apps.liaison import tasks
from apps.liaison.models import Recipients
from apps.liaison.notifications import LIAISON_NOTE, LIAISON_REMINDER, LIAISON_REPLY
from apps.liaison.services import liaison_note_confirm, liaison_note_remind, liaison_note_reply
from apps.notifications.models import Notification
from apps.notifications.services import notify
from apps.outbox import queue as outbox_queue
from tests.liaison.conftest import class_note
from tests.notifications.eager import celery_eager  # noqa: F401 (fixture)
from tests.world import add_pupils

# The deliveries are Celery tasks queued after commit: here they run in the test's process.
pytestmark = pytest.mark.usefixtures("celery_eager")


def recipients(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_publishing_a_class_note_notifies_only_the_guardians_of_that_class(
    bordeaux, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        note = class_note(bordeaux)

    with schema_context("bordeaux"):
        assert recipients(LIAISON_NOTE) == {"bordeaux.par1"}
        notification = Notification.objects.get()
        assert notification.title == "À confirmer : Sortie au musée"
        assert notification.url == f"/liaison/enfants/{bordeaux['p1'].pk}/"
        assert notification.read_at is None
    assert note.is_published


def test_a_note_to_chosen_pupils_does_not_notify_the_other_families_of_the_class(
    bordeaux, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        class_note(bordeaux, audience=Recipients.PUPILS, pupil_ids=[bordeaux["p2"].pk])

    with schema_context("bordeaux"):
        assert Notification.objects.count() == 0  # p2 has no guardian; par1 is p1's


def test_a_school_note_notifies_the_families_of_that_school_and_not_another(
    bordeaux, django_capture_on_commit_callbacks
):
    from apps.liaison.services import liaison_note_create

    with django_capture_on_commit_callbacks(execute=True), schema_context("bordeaux"):
        liaison_note_create(
            author=actor_for(bordeaux["dA"]),
            school=bordeaux.schools["A"],
            audience=Recipients.SCHOOL,
            title="Kermesse",
            text="Samedi.",
            acknowledgement_required=False,
        )

    with schema_context("bordeaux"):
        assert recipients(LIAISON_NOTE) == {"bordeaux.par1", "bordeaux.par3"}
        assert set(Notification.objects.values_list("title", flat=True)) == {
            "Nouveau mot : Kermesse"
        }


def test_a_reply_notifies_the_author_alone(bordeaux, django_capture_on_commit_callbacks):
    note = class_note(bordeaux)

    with django_capture_on_commit_callbacks(execute=True), schema_context("bordeaux"):
        liaison_note_reply(guardian=actor_for(bordeaux["par1"]), note=note, text="Bien reçu.")

    with schema_context("bordeaux"):
        assert recipients(LIAISON_REPLY) == {"bordeaux.t1"}
        assert Notification.objects.get(kind=LIAISON_REPLY).url == (f"/liaison/notes/{note.pk}/")


def test_a_manual_reminder_notifies_only_the_families_still_waiting(
    bordeaux, django_capture_on_commit_callbacks
):
    add_pupils(bordeaux, 1)  # extra0, child of extraparent0, in A1
    note = class_note(bordeaux)
    with schema_context("bordeaux"):
        liaison_note_confirm(guardian=actor_for(bordeaux["par1"]), note=note, child=bordeaux["p1"])

    with django_capture_on_commit_callbacks(execute=True), schema_context("bordeaux"):
        liaison_note_remind(author=actor_for(bordeaux["t1"]), note=note)

    with schema_context("bordeaux"):
        assert recipients(LIAISON_REMINDER) == {"bordeaux.extraparent0"}


@pytest.mark.parametrize("blocked", [True, False])
def test_notify_drops_inactive_accounts_and_those_the_rule_excludes(bordeaux, blocked):
    from django.utils import timezone

    with schema_context("bordeaux"):
        par3 = bordeaux["par3"]
        if blocked:
            par3.blocked_at = timezone.now()
        created = notify(
            recipients=[bordeaux["par1"], par3, bordeaux["par4"]],
            kind=HOMEWORK,
            title="Exercices",
            url="/cahier-de-textes/",
            may_see=lambda actor: (
                bordeaux.classes["A1"].pk in actor.class_ids
                or bordeaux.classes["A2"].pk in actor.class_ids
            ),
        )

    got = {n.recipient.username for n in created}
    expected = {"bordeaux.par1"} if blocked else {"bordeaux.par1", "bordeaux.par3"}
    assert got == expected


# --- delivered by Celery tasks, out of the author's request, once per event -------------------


@pytest.fixture
def queued_tasks(monkeypatch) -> list[tuple[str, tuple]]:
    """The tasks queued after commit, recorded and not run."""
    calls: list[tuple[str, tuple]] = []
    monkeypatch.setattr(
        outbox_queue,
        "queue_task",
        lambda task, *args, **kwargs: calls.append((task.name, args)) or True,
    )
    return calls


def test_publishing_queues_the_delivery_and_a_second_run_tells_no_one_again(
    bordeaux, queued_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        note = class_note(bordeaux)
    with schema_context("bordeaux"):
        assert not Notification.objects.exists()  # the request told no one itself
    assert queued_tasks == [("notifications.deliver_liaison_note", (note.pk,))]

    with schema_context("bordeaux"):
        assert tasks.deliver_liaison_note(note.pk) == 1
        assert tasks.deliver_liaison_note(note.pk) == 0  # run again after a worker crash
        assert recipients(LIAISON_NOTE) == {"bordeaux.par1"}
        assert Notification.objects.count() == 1


def test_a_reply_and_a_reminder_delivered_twice_tell_once(
    bordeaux, queued_tasks, django_capture_on_commit_callbacks
):
    add_pupils(bordeaux, 1)  # extra0, child of extraparent0, in A1
    with django_capture_on_commit_callbacks(execute=True):
        note = class_note(bordeaux)
    with django_capture_on_commit_callbacks(execute=True), schema_context("bordeaux"):
        liaison_note_reply(guardian=actor_for(bordeaux["par1"]), note=note, text="Bien reçu.")
        liaison_note_confirm(guardian=actor_for(bordeaux["par1"]), note=note, child=bordeaux["p1"])
        liaison_note_remind(author=actor_for(bordeaux["t1"]), note=note)
    (_note, (reply_name, reply_args), (reminder_name, reminder_args)) = queued_tasks
    assert (reply_name, reminder_name) == (
        "notifications.deliver_liaison_reply",
        "notifications.deliver_liaison_reminder",
    )

    with schema_context("bordeaux"):
        for _run in range(2):
            tasks.deliver_liaison_reply(*reply_args)
            tasks.deliver_liaison_reminder(*reminder_args)
        assert recipients(LIAISON_REPLY) == {"bordeaux.t1"}
        assert recipients(LIAISON_REMINDER) == {"bordeaux.extraparent0"}
        assert Notification.objects.filter(kind=LIAISON_REPLY).count() == 1
        assert Notification.objects.filter(kind=LIAISON_REMINDER).count() == 1
        assert Notification.objects.get(kind=LIAISON_REMINDER).title == (
            "Relance, à confirmer : Sortie au musée"
        )


def test_the_database_refuses_a_second_row_for_one_person_and_event(bordeaux):
    with schema_context("bordeaux"):
        once = {"recipient": bordeaux["par1"], "kind": LIAISON_NOTE, "event": "liaison_note:1"}
        Notification.objects.create(title="Nouveau mot : A", url="/liaison/", **once)
        # Events without a key are each their own: no constraint between them.
        Notification.objects.create(recipient=bordeaux["par1"], kind=HOMEWORK, title="B")
        Notification.objects.create(recipient=bordeaux["par1"], kind=HOMEWORK, title="B")
        with pytest.raises(IntegrityError), transaction.atomic():
            Notification.objects.create(title="Nouveau mot : A", url="/liaison/", **once)
