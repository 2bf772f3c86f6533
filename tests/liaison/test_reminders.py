"""Reminding the families who have not confirmed a note: a notification now to every guardian
of a child still waiting, the e-mail digest for those who chose it, one reminder a day per note
at most (by hand or automatic), each recorded (tests/world.py: par1 is p1's parent in A1;
``add_pupils`` gives extraN a parent extraparentN in A1; p2 has no guardian)."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from apps.accounts.selectors import actor_for
from apps.liaison import selectors, services, tasks, views
from apps.liaison.models import Acknowledgement, LiaisonNote, Reminder
from apps.liaison.notifications import LIAISON_REMINDER
from apps.liaison.services import (
    AlreadyRemindedToday,
    NothingToRemind,
    liaison_note_confirm,
    liaison_note_create,
    liaison_note_remind,
)
from apps.notifications import tasks as notification_tasks
from apps.notifications.models import Notification, NotificationPreference
from tests.liaison.conftest import class_note
from tests.notifications.eager import celery_eager  # noqa: F401 (fixture)
from tests.world import add_pupils

# The deliveries are Celery tasks queued after commit: here they run in the test's process.
pytestmark = pytest.mark.usefixtures("celery_eager")


@pytest.fixture(autouse=True)
def today_is_pinned(monkeypatch) -> datetime.datetime:
    """ "Today" starts where it started when the test began, so a test that runs across
    midnight still sees its own reminders as today's (the rule itself is unchanged)."""
    start = selectors.start_of_today()
    for module in (selectors, services, tasks, views):
        if hasattr(module, "start_of_today"):
            monkeypatch.setattr(module, "start_of_today", lambda: start)
    return start


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def _user(username: str) -> User:
    return User.objects.get(username=username)


def reminded(kind: str = LIAISON_REMINDER) -> list[str]:
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


@pytest.fixture
def waiting(bordeaux) -> LiaisonNote:
    """A1's note: p1 confirmed by par1; extra0 (parent extraparent0) and p2 (no guardian) not."""
    add_pupils(bordeaux, 1)
    note = class_note(bordeaux)
    with schema_context("bordeaux"):
        liaison_note_confirm(guardian=actor_for(bordeaux["par1"]), note=note, child=bordeaux["p1"])
    return note


def test_the_button_notifies_only_the_guardians_who_have_not_confirmed(
    bordeaux, waiting, as_user, django_capture_on_commit_callbacks
):
    client = as_user(bordeaux, "t1")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/liaison/notes/{waiting.pk}/relancer/", follow=True)

    page = text(response)
    assert "Relance envoyée aux responsables légaux de 2 élèves qui n'ont pas confirmé" in page
    assert "viendra plus tard" not in page
    with schema_context("bordeaux"):
        assert reminded() == ["bordeaux.extraparent0"]
        notification = Notification.objects.get(kind=LIAISON_REMINDER)
        assert notification.title == "Relance, à confirmer : Sortie au musée"
        extra0 = _user("bordeaux.extra0")
        assert notification.url == f"/liaison/enfants/{extra0.pk}/"
        reminder = Reminder.objects.get()
        assert reminder.sent_by == bordeaux["t1"]
        assert reminder.child_ids == sorted([bordeaux["p2"].pk, extra0.pk])


def test_a_second_click_the_same_day_says_when_and_sends_nothing(
    bordeaux, waiting, as_user, django_capture_on_commit_callbacks
):
    client = as_user(bordeaux, "t1")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/liaison/notes/{waiting.pk}/relancer/")
    with schema_context("bordeaux"):
        at = Reminder.objects.get().at

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/liaison/notes/{waiting.pk}/relancer/", follow=True)

    assert response.status_code == 200
    page = text(response)
    hour = timezone.localtime(at).strftime("%H:%M")
    assert f"Les familles ont déjà été relancées aujourd'hui à {hour} par Théo Maître" in page
    assert "rien n'a été envoyé" in page
    # The page itself says it too, and offers no button until tomorrow.
    assert "Relancer les familles qui n'ont pas confirmé" not in page
    assert f"relancées aujourd'hui, à {hour}" in page
    with schema_context("bordeaux"):
        assert Reminder.objects.count() == 1
        assert reminded() == ["bordeaux.extraparent0"]


def test_the_automatic_reminder_of_today_counts_too(bordeaux, waiting):
    with schema_context("bordeaux"):
        Reminder.objects.create(note=waiting, sent_by=None, child_ids=[])
        with pytest.raises(AlreadyRemindedToday) as refused:
            liaison_note_remind(author=actor_for(bordeaux["t1"]), note=waiting)
        assert refused.value.last.sent_by is None
        assert "automatiquement" in views.already_reminded_text(refused.value.last)
        assert Reminder.objects.count() == 1


def test_a_reminder_yesterday_does_not_prevent_one_today(
    bordeaux, waiting, today_is_pinned, django_capture_on_commit_callbacks
):
    with schema_context("bordeaux"):
        yesterday = Reminder.objects.create(note=waiting, sent_by=bordeaux["t1"], child_ids=[])
        Reminder.objects.filter(pk=yesterday.pk).update(
            at=today_is_pinned - datetime.timedelta(minutes=1)
        )
        with django_capture_on_commit_callbacks(execute=True):
            liaison_note_remind(author=actor_for(bordeaux["t1"]), note=waiting)
        assert Reminder.objects.count() == 2
        assert reminded() == ["bordeaux.extraparent0"]


def test_a_note_without_acknowledgement_is_never_reminded(
    bordeaux, as_user, django_capture_on_commit_callbacks
):
    add_pupils(bordeaux, 1)
    note = class_note(bordeaux, acknowledgement_required=False)
    client = as_user(bordeaux, "t1")

    assert "Relancer les familles" not in text(client.get(f"/liaison/notes/{note.pk}/"))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/liaison/notes/{note.pk}/relancer/").status_code == 404
    with schema_context("bordeaux"):
        assert Reminder.objects.count() == 0
        assert reminded() == []


def test_a_fully_confirmed_note_has_nobody_to_remind(bordeaux, note, as_user):
    with schema_context("bordeaux"):
        liaison_note_confirm(guardian=actor_for(bordeaux["par1"]), note=note, child=bordeaux["p1"])
        # p2 has no guardian in the world: the confirmation row is what counts.
        Acknowledgement.objects.create(note=note, child=bordeaux["p2"], guardian_name="Tuteur")
    client = as_user(bordeaux, "t1")

    assert "personne à relancer" in text(client.get(f"/liaison/notes/{note.pk}/"))
    page = text(client.post(f"/liaison/notes/{note.pk}/relancer/", follow=True))
    assert "Personne à relancer" in page
    with schema_context("bordeaux"):
        assert Reminder.objects.count() == 0


def test_a_note_replaced_by_a_correction_is_not_reminded_but_its_correction_is(
    bordeaux, waiting, django_capture_on_commit_callbacks
):
    with schema_context("bordeaux"):
        correction = liaison_note_create(
            author=actor_for(bordeaux["t1"]),
            classroom=bordeaux.classes["A1"],
            audience="class",
            title="Sortie au musée (corrigé)",
            text="Vendredi.",
            corrects=waiting,
        )
        with pytest.raises(NothingToRemind):
            liaison_note_remind(author=actor_for(bordeaux["t1"]), note=waiting)
        # Nor automatically, however late it is.
        LiaisonNote.objects.filter(pk=waiting.pk).update(
            published_at=waiting.published_at - datetime.timedelta(days=30)
        )
        assert waiting.pk not in tasks.reminders_due(days=1)
        with django_capture_on_commit_callbacks(execute=True):
            liaison_note_remind(author=actor_for(bordeaux["t1"]), note=correction)
        assert list(Reminder.objects.values_list("note_id", flat=True)) == [correction.pk]


def test_the_reminder_reaches_the_e_mail_digest_of_those_who_chose_it(
    bordeaux, waiting, django_capture_on_commit_callbacks
):
    add_pupils(bordeaux, 1)  # one more pupil whose parent has an e-mail but chose no digest
    with schema_context("bordeaux"):
        extras = User.objects.filter(username__startswith="bordeaux.extra").order_by("-pk")
        other_child = extras.filter(profile=Profile.PUPIL).first()
        other_parent = extras.filter(profile=Profile.PARENT).first()
        waiting.recipients.create(child=other_child, classroom=bordeaux.classes["A1"])
        chose_digest = _user("bordeaux.extraparent0")
        for person in (bordeaux["par1"], chose_digest, other_parent):
            person.email = f"{person.pk}@example.org"
            person.save(update_fields=["email"])
        for person in (bordeaux["par1"], chose_digest):
            NotificationPreference.objects.create(user=person, email_digest=True)
        with django_capture_on_commit_callbacks(execute=True):
            liaison_note_remind(author=actor_for(bordeaux["t1"]), note=waiting)
        assert reminded() == sorted(["bordeaux.extraparent0", other_parent.username])

        result = notification_tasks.send_digests.apply().get()

    assert result["sent"] == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [chose_digest.email]
    assert "Relance, à confirmer : Sortie au musée" in message.body
    with schema_context("bordeaux"):
        emailed = dict(Notification.objects.values_list("recipient__username", "emailed_at"))
        assert emailed["bordeaux.extraparent0"] is not None
        assert emailed[other_parent.username] is None


def test_the_status_page_lists_the_reminders_sent(bordeaux, waiting, as_user):
    with schema_context("bordeaux"):
        auto = Reminder.objects.create(note=waiting, sent_by=None, child_ids=[1, 2, 3])
        Reminder.objects.filter(pk=auto.pk).update(at=auto.at - datetime.timedelta(days=2))
        by_hand = Reminder.objects.create(note=waiting, sent_by=bordeaux["t1"], child_ids=[1])
        Reminder.objects.filter(pk=by_hand.pk).update(at=by_hand.at - datetime.timedelta(days=1))

    page = text(as_user(bordeaux, "t1").get(f"/liaison/notes/{waiting.pk}/"))

    assert "relance automatique, 3 élèves" in page
    assert "par Théo Maître, 1 élève" in page
    assert page.index("par Théo Maître") < page.index("relance automatique")  # newest first
    assert "Relancer les familles qui n'ont pas confirmé (2 élèves)" in page
