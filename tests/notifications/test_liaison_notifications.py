"""Who is notified of what in the cahier de liaison: the guardians of the children a note
concerns, the note's author for a reply, nobody else (tests/world.py: par1 is p1's parent in
class A1, par3 p3's in A2, par4 p4's in école B)."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from apps.liaison.models import Audience
from apps.liaison.services import liaison_note_confirm, liaison_note_remind, liaison_note_reply
from apps.notifications.models import Kind, Notification
from apps.notifications.services import notify
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
        assert recipients(Kind.LIAISON_NOTE) == {"bordeaux.par1"}
        notification = Notification.objects.get()
        assert notification.title == "À confirmer : Sortie au musée"
        assert notification.url == f"/liaison/enfants/{bordeaux['p1'].pk}/"
        assert notification.read_at is None
    assert note.is_published


def test_a_note_to_chosen_pupils_does_not_notify_the_other_families_of_the_class(
    bordeaux, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        class_note(bordeaux, audience=Audience.PUPILS, pupil_ids=[bordeaux["p2"].pk])

    with schema_context("bordeaux"):
        assert Notification.objects.count() == 0  # p2 has no guardian; par1 is p1's


def test_a_school_note_notifies_the_families_of_that_school_and_not_another(
    bordeaux, django_capture_on_commit_callbacks
):
    from apps.liaison.services import liaison_note_create

    with django_capture_on_commit_callbacks(execute=True), schema_context("bordeaux"):
        liaison_note_create(
            author=bordeaux["dA"],
            school=bordeaux.schools["A"],
            audience=Audience.SCHOOL,
            title="Kermesse",
            text="Samedi.",
            acknowledgement_required=False,
        )

    with schema_context("bordeaux"):
        assert recipients(Kind.LIAISON_NOTE) == {"bordeaux.par1", "bordeaux.par3"}
        assert set(Notification.objects.values_list("title", flat=True)) == {
            "Nouveau mot : Kermesse"
        }


def test_a_reply_notifies_the_author_alone(bordeaux, django_capture_on_commit_callbacks):
    note = class_note(bordeaux)

    with django_capture_on_commit_callbacks(execute=True), schema_context("bordeaux"):
        liaison_note_reply(guardian=bordeaux["par1"], note=note, text="Bien reçu.")

    with schema_context("bordeaux"):
        assert recipients(Kind.LIAISON_REPLY) == {"bordeaux.t1"}
        assert Notification.objects.get(kind=Kind.LIAISON_REPLY).url == (
            f"/liaison/notes/{note.pk}/"
        )


def test_a_manual_reminder_notifies_only_the_families_still_waiting(
    bordeaux, django_capture_on_commit_callbacks
):
    add_pupils(bordeaux, 1)  # extra0, child of extraparent0, in A1
    note = class_note(bordeaux)
    with schema_context("bordeaux"):
        liaison_note_confirm(guardian=bordeaux["par1"], note=note, child=bordeaux["p1"])

    with django_capture_on_commit_callbacks(execute=True), schema_context("bordeaux"):
        liaison_note_remind(author=bordeaux["t1"], note=note)

    with schema_context("bordeaux"):
        assert recipients(Kind.LIAISON_REMINDER) == {"bordeaux.extraparent0"}


@pytest.mark.parametrize("blocked", [True, False])
def test_notify_drops_inactive_accounts_and_those_the_rule_excludes(bordeaux, blocked):
    from django.utils import timezone

    with schema_context("bordeaux"):
        par3 = bordeaux["par3"]
        if blocked:
            par3.blocked_at = timezone.now()
        created = notify(
            recipients=[bordeaux["par1"], par3, bordeaux["par4"]],
            kind=Kind.HOMEWORK,
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
