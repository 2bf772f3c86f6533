"""The forums' writers' names on an erasure and a rename (``apps.publications.authors``): a
pupil's subjects (with the replies in them) and messages go with the account, leaving
nothing in the moderators' queue; a teacher's stay under « Ancien compte »."""

from __future__ import annotations

from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.accounts.signals import names_changed
from apps.forum.models import Message, Subject
from apps.privacy.services import person_erase
from apps.publications.models import Publication, State
from tests.forum.helpers import message_in, subject_in
from tests.world import World


def test_an_erased_pupil_takes_their_subjects_and_messages(bordeaux: World):
    with schema_context(bordeaux.schema):
        theirs = subject_in(bordeaux, State.PUBLISHED, author="p2", title="Mes volcans")
        message_in(bordeaux, theirs, State.PUBLISHED, author="p1")
        teachers = subject_in(bordeaux, State.PUBLISHED, author="t1")
        message_in(bordeaux, teachers, State.SUBMITTED, author="p2")
        kept = message_in(bordeaux, teachers, State.PUBLISHED, author="p1")
        name = bordeaux["p2"].display_name
        before = Publication.objects.count()

        person_erase(actor=bordeaux["adm"], user=bordeaux["p2"], reason="demande", request=None)

        assert list(Subject.objects.values_list("pk", flat=True)) == [teachers.pk]
        assert list(Message.objects.values_list("pk", flat=True)) == [kept.pk]
        assert Publication.objects.count() == before - 3
        assert not Message.objects.filter(author_name=name).exists()


def test_an_erased_teachers_subjects_stay_without_their_name(bordeaux: World):
    with schema_context(bordeaux.schema):
        subject = subject_in(bordeaux, State.PUBLISHED, author="t1")

        person_erase(actor=bordeaux["adm"], user=bordeaux["t1"], reason="demande", request=None)

        subject.refresh_from_db()
        assert subject.author_name == "Ancien compte"


def test_a_renamed_writer_is_named_anew(bordeaux: World):
    with schema_context(bordeaux.schema):
        subject = subject_in(bordeaux, State.PUBLISHED, author="t1")
        User.objects.filter(pk=bordeaux["t1"].pk).update(first_name="Léa")

        names_changed.send(sender=User, user_ids=[bordeaux["t1"].pk])

        subject.refresh_from_db()
        assert subject.author_name.startswith("Léa ")
