"""Writing, publishing, confirming, replying and reminding, through the services."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.liaison.models import (
    Acknowledgement,
    LiaisonNote,
    NoteRead,
    Recipients,
    Reminder,
    Reply,
)
from apps.liaison.services import (
    LiaisonError,
    NoteLocked,
    liaison_note_confirm,
    liaison_note_create,
    liaison_note_publish,
    liaison_note_remind,
    liaison_note_reply,
    liaison_note_update,
)
from apps.schools.models import GuardianKind, Guardianship
from tests.liaison.conftest import class_note
from tests.world import add_person


def recipients(note: LiaisonNote) -> set[int]:
    return set(note.recipients.values_list("child_id", flat=True))


def test_a_class_note_reaches_every_pupil_of_the_class_when_published(bordeaux, note):
    with schema_context("bordeaux"):
        assert note.published_at is not None
        assert recipients(note) == {bordeaux["p1"].pk, bordeaux["p2"].pk}


def test_a_note_to_chosen_pupils_reaches_them_only(bordeaux):
    note = class_note(bordeaux, audience=Recipients.PUPILS, pupil_ids=[bordeaux["p2"].pk])
    with schema_context("bordeaux"):
        assert recipients(note) == {bordeaux["p2"].pk}


def test_chosen_pupils_must_belong_to_the_class(bordeaux):
    with pytest.raises(LiaisonError), schema_context("bordeaux"):
        class_note(bordeaux, audience=Recipients.PUPILS, pupil_ids=[bordeaux["p3"].pk])
    with schema_context("bordeaux"):
        assert LiaisonNote.objects.count() == 0


def test_the_director_writes_to_the_whole_school(bordeaux):
    with schema_context("bordeaux"):
        note = liaison_note_create(
            author=actor_for(bordeaux["dA"]),
            school=bordeaux.schools["A"],
            audience=Recipients.SCHOOL,
            title="Kermesse",
            text="Samedi 20 juin.",
        )
        assert recipients(note) == {bordeaux[p].pk for p in ("p1", "p2", "p3")}


def test_a_draft_has_no_recipients_until_published(bordeaux):
    note = class_note(bordeaux, publish=False)
    with schema_context("bordeaux"):
        assert note.published_at is None and recipients(note) == set()
        liaison_note_publish(author=actor_for(bordeaux["t1"]), note=note)
        assert recipients(note) == {bordeaux["p1"].pk, bordeaux["p2"].pk}


@pytest.mark.parametrize("writer", ["p1", "par1", "t2", "adm"])
def test_only_the_class_teacher_or_the_director_writes(bordeaux, writer):
    with pytest.raises(LiaisonError), schema_context("bordeaux"):
        class_note(bordeaux, author=writer)
    with schema_context("bordeaux"):
        assert LiaisonNote.objects.count() == 0


def test_a_teacher_cannot_write_to_the_whole_school(bordeaux):
    with pytest.raises(LiaisonError), schema_context("bordeaux"):
        liaison_note_create(
            author=actor_for(bordeaux["t1"]),
            school=bordeaux.schools["A"],
            audience=Recipients.SCHOOL,
            title="Kermesse",
            text="Samedi.",
        )


def test_a_parent_with_authority_confirms_for_their_child_once(bordeaux, note):
    with schema_context("bordeaux"):
        first = liaison_note_confirm(
            guardian=actor_for(bordeaux["par1"]), note=note, child=bordeaux["p1"]
        )
        again = liaison_note_confirm(
            guardian=actor_for(bordeaux["par1"]), note=note, child=bordeaux["p1"]
        )
        assert first.pk == again.pk
        assert Acknowledgement.objects.filter(note=note).count() == 1
        assert NoteRead.objects.filter(note=note, guardian=bordeaux["par1"]).exists()


def test_a_parent_cannot_confirm_or_reply_for_a_child_that_is_not_theirs(bordeaux, note):
    with schema_context("bordeaux"):
        with pytest.raises(LiaisonError):
            liaison_note_confirm(
                guardian=actor_for(bordeaux["par3"]), note=note, child=bordeaux["p3"]
            )
        with pytest.raises(LiaisonError):
            liaison_note_confirm(
                guardian=actor_for(bordeaux["par3"]), note=note, child=bordeaux["p1"]
            )
        with pytest.raises(LiaisonError):
            liaison_note_reply(guardian=actor_for(bordeaux["par3"]), note=note, text="Bonjour")
        assert Acknowledgement.objects.count() == 0
        assert Reply.objects.count() == 0


def test_a_parent_without_parental_authority_cannot_confirm(bordeaux, note):
    with schema_context("bordeaux"):
        other = add_person(bordeaux, "par1b", "parent", "Paulin", "Un")
        Guardianship.objects.create(
            guardian=other,
            child=bordeaux["p1"],
            kind=GuardianKind.OTHER,
            parental_authority=False,
        )
        with pytest.raises(LiaisonError):
            liaison_note_confirm(guardian=actor_for(other), note=note, child=bordeaux["p1"])
        assert Acknowledgement.objects.count() == 0
        # but may still answer the teacher
        liaison_note_reply(guardian=actor_for(other), note=note, text="Je viendrai le chercher.")


def test_a_guardian_replies_once(bordeaux, note):
    with schema_context("bordeaux"):
        liaison_note_reply(guardian=actor_for(bordeaux["par1"]), note=note, text="D'accord.")
        with pytest.raises(LiaisonError):
            liaison_note_reply(guardian=actor_for(bordeaux["par1"]), note=note, text="Encore.")
        assert list(Reply.objects.values_list("text", flat=True)) == ["D'accord."]


def test_a_note_is_editable_until_someone_confirms_it_then_only_correctable(bordeaux, note):
    with schema_context("bordeaux"):
        liaison_note_update(
            author=actor_for(bordeaux["t1"]), note=note, title="Sortie", text="Vendredi."
        )
        liaison_note_confirm(guardian=actor_for(bordeaux["par1"]), note=note, child=bordeaux["p1"])
        with pytest.raises(NoteLocked):
            liaison_note_update(
                author=actor_for(bordeaux["t1"]), note=note, title="Autre", text="Lundi."
            )
        note.refresh_from_db()
        assert (note.title, note.text) == ("Sortie", "Vendredi.")

        correction = liaison_note_create(
            author=actor_for(bordeaux["t1"]),
            classroom=bordeaux.classes["A1"],
            audience=Recipients.CLASS,
            title="Sortie (correction)",
            text="Lundi.",
            corrects=note,
        )
        assert correction.corrects == note
        assert list(note.corrections.all()) == [correction]


def test_a_pupil_cannot_edit_a_note(bordeaux, note):
    with pytest.raises(LiaisonError), schema_context("bordeaux"):
        liaison_note_update(author=actor_for(bordeaux["p1"]), note=note, title="Hack", text="Hack")


def test_a_reminder_records_the_children_not_yet_confirmed(bordeaux, note):
    with schema_context("bordeaux"):
        liaison_note_confirm(guardian=actor_for(bordeaux["par1"]), note=note, child=bordeaux["p1"])
        reminder = liaison_note_remind(author=actor_for(bordeaux["t1"]), note=note)
        assert reminder.child_ids == [bordeaux["p2"].pk]
        with pytest.raises(LiaisonError):
            liaison_note_remind(author=actor_for(bordeaux["par1"]), note=note)
        assert Reminder.objects.count() == 1
