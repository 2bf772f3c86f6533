"""Writes to the cahier de liaison. Each service checks its permission rule itself and
raises ``LiaisonError`` (the views answer 404, so a forbidden act looks like a missing one).

Publications, replies and reminders notify those concerned once the transaction commits
(``apps.liaison.notifications``), in Celery tasks (``apps.liaison.tasks``) so the author's
page does not wait for every family to be told; the e-mail digest is the notifications app's.

Each service takes the caller's ``Actor`` (a view hands the caller's, from
``apps.accounts.context``; a task builds it with ``actor_for``): the rule is checked on it, and
its id and name are what is written, so a service never reads the person's relations again.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.permissions import (
    Actor,
    can_confirm_liaison_note,
    can_reply_liaison_note,
    can_write_liaison_note,
)
from apps.audiences import Audience
from apps.audiences.selectors import audience_pupils
from apps.liaison import topics
from apps.liaison.models import (
    Acknowledgement,
    LiaisonNote,
    NoteRead,
    NoteRecipient,
    Recipients,
    Reminder,
    Reply,
)
from apps.liaison.publications import NOTE
from apps.liaison.selectors import note_audience, reminder_sent_today, waiting_child_ids
from apps.liaison.tasks import (
    deliver_liaison_note,
    deliver_liaison_reminder,
    deliver_liaison_reply,
)
from apps.outbox.queue import queue_after_commit
from apps.publications.services import (
    publication_create,
    publication_edited,
    publication_publish,
)
from apps.quiethours.services import QuietHoursError, emergency_override_record
from apps.schools.models import Classroom, School


class LiaisonError(Exception):
    """The act is not allowed (or the note is out of reach)."""


class NoteLocked(LiaisonError):
    """Someone confirmed the note: it can only be corrected by a new note."""


class AlreadyReplied(LiaisonError):
    """The guardian has answered this note already (one answer each)."""


class NothingToRemind(LiaisonError):
    """Every child the note concerns is confirmed, or the note was replaced by a correction."""


class AlreadyRemindedToday(LiaisonError):
    """The note was reminded today already (one reminder a day at most)."""

    def __init__(self, last: Reminder) -> None:
        super().__init__("already reminded today")
        self.last = last


def _recipient_ids(note: LiaisonNote) -> frozenset[int]:
    return frozenset(note.recipients.values_list("child_id", flat=True))


def _check_writer(author: Actor, note: LiaisonNote) -> None:
    if not can_write_liaison_note(
        author=author, school_id=note.school_id, classroom_id=note.classroom_id
    ):
        raise LiaisonError("not allowed to write this note")


@transaction.atomic
def liaison_note_create(
    *,
    author: Actor,
    title: str,
    text: str,
    audience: str,
    classroom: Classroom | None = None,
    school: School | None = None,
    pupil_ids: Iterable[int] = (),
    acknowledgement_required: bool = True,
    corrects: LiaisonNote | None = None,
    publish: bool = True,
    urgent: bool = False,
) -> LiaisonNote:
    """A new note (published at once unless ``publish`` is False); ``corrects`` links a
    correction to the earlier note it replaces; ``urgent`` (the direction only) tells the
    families at once despite quiet hours."""
    if audience == Recipients.SCHOOL:
        if school is None:
            raise LiaisonError("a note to the school needs the school")
        classroom = None
    else:
        if classroom is None:
            raise LiaisonError("a note to a class needs the class")
        school = classroom.school
    if audience not in Recipients.values or not title.strip() or not text.strip():
        raise LiaisonError("a note needs an audience, a title and a text")
    note = LiaisonNote(
        school=school,
        classroom=classroom,
        audience=audience,
        author_id=author.id,
        author_name=author.display_name,
        title=title.strip(),
        text=text.strip(),
        acknowledgement_required=acknowledgement_required,
        corrects=corrects,
    )
    _check_writer(author, note)
    if corrects is not None and (corrects.school_id != note.school_id or not corrects.is_published):
        raise LiaisonError("a correction belongs to the same school as the published note")
    note.publication = publication_create(kind=NOTE, author_id=author.id)
    note.save()
    if audience == Recipients.PUPILS:
        assert classroom is not None  # noqa: S101 - checked above for every class audience
        chosen = set(pupil_ids)
        in_class = chosen and {
            pupil_id
            for pupil_id, _classroom_id in audience_pupils(
                Audience.of_pupils(
                    school_id=classroom.school_id, classroom_id=classroom.pk, pupil_ids=chosen
                )
            )
        }
        if not chosen or chosen != in_class:
            raise LiaisonError("the chosen pupils must be pupils of the class")
        note.chosen_pupils.set(chosen)
    if publish:
        note = liaison_note_publish(author=author, note=note, urgent=urgent)
    return note


@transaction.atomic
def liaison_note_publish(*, author: Actor, note: LiaisonNote, urgent: bool = False) -> LiaisonNote:
    """Publish a draft: its recipients (the children it concerns today) are materialised.
    ``urgent``: the families are told at once despite quiet hours (journalled)."""
    note = LiaisonNote.objects.select_for_update().select_related("publication").get(pk=note.pk)
    _check_writer(author, note)
    if note.is_published:
        return note
    if urgent:
        try:
            emergency_override_record(
                actor=author,
                school_id=note.school_id,
                target=note.title,
                details={"liaison_note_id": note.pk},
            )
        except QuietHoursError as error:
            raise LiaisonError("only the direction sends an urgent note") from error
    NoteRecipient.objects.bulk_create(
        NoteRecipient(note=note, child_id=child_id, classroom_id=classroom_id)
        for child_id, classroom_id in audience_pupils(note_audience(note))
    )
    note.published_at = timezone.now()
    note.save(update_fields=["published_at"])
    publication_publish(note.publication, at=note.published_at)
    queue_after_commit(deliver_liaison_note, note.pk, urgent=urgent)
    return note


def liaison_note_is_confirmed(note: LiaisonNote) -> bool:
    """Has a family confirmed the note? Then it no longer changes: a correction replaces it."""
    return note.acknowledgements.exists()


@transaction.atomic
def liaison_note_correct(
    *,
    author: Actor,
    note: LiaisonNote,
    title: str,
    text: str,
    acknowledgement_required: bool = True,
) -> LiaisonNote:
    """The correction of a note families have confirmed: a new published note, linked to it,
    for the same people (its school, class, audience and chosen pupils), which they confirm
    again. The confirmed note itself stays as it was read."""
    return liaison_note_create(
        author=author,
        classroom=note.classroom,
        school=note.school,
        audience=note.audience,
        pupil_ids=list(note.chosen_pupils.values_list("pk", flat=True)),
        corrects=note,
        title=title,
        text=text,
        acknowledgement_required=acknowledgement_required,
    )


@transaction.atomic
def liaison_note_update(
    *,
    author: Actor,
    note: LiaisonNote,
    title: str,
    text: str,
    acknowledgement_required: bool | None = None,
) -> LiaisonNote:
    """Fix a note no one has confirmed yet; after a confirmation, write a correction.
    ``acknowledgement_required`` None keeps the note's choice."""
    note = LiaisonNote.objects.select_for_update().get(pk=note.pk)
    _check_writer(author, note)
    if note.acknowledgements.exists():
        raise NoteLocked("confirmed notes are not edited: publish a correction")
    if not title.strip() or not text.strip():
        raise LiaisonError("a note needs a title and a text")
    note.title, note.text = title.strip(), text.strip()
    if acknowledgement_required is not None:
        note.acknowledgement_required = acknowledgement_required
    note.save(update_fields=["title", "text", "acknowledgement_required"])
    publication_edited(note.publication)
    return note


@transaction.atomic
def liaison_note_confirm(*, guardian: Actor, note: LiaisonNote, child: User) -> Acknowledgement:
    """ "J'ai pris connaissance" for ``child``; a second confirmation returns the first."""
    if not note.is_published or not note.acknowledgement_required:
        raise LiaisonError("nothing to confirm")
    if not can_confirm_liaison_note(
        parent=guardian, child_id=child.pk, recipient_child_ids=_recipient_ids(note)
    ):
        raise LiaisonError("not allowed to confirm for this child")
    acknowledgement, _created = Acknowledgement.objects.get_or_create(
        note=note,
        child=child,
        defaults={"guardian_id": guardian.id, "guardian_name": guardian.display_name},
    )
    NoteRead.objects.get_or_create(note=note, guardian_id=guardian.id)
    if _created:
        topics.status_changed(note)
    return acknowledgement


@transaction.atomic
def liaison_note_reply(*, guardian: Actor, note: LiaisonNote, text: str) -> Reply:
    """One answer per guardian and note, for the author's eyes only."""
    if not note.is_published or not text.strip():
        raise LiaisonError("nothing to reply to")
    if not can_reply_liaison_note(parent=guardian, recipient_child_ids=_recipient_ids(note)):
        raise LiaisonError("not allowed to reply")
    try:
        with transaction.atomic():
            reply = Reply.objects.create(note=note, guardian_id=guardian.id, text=text.strip())
    except IntegrityError as error:
        raise AlreadyReplied("already replied") from error
    queue_after_commit(deliver_liaison_reply, reply.pk)
    return reply


def liaison_notes_mark_read(*, guardian: Actor, notes: Iterable[LiaisonNote]) -> None:
    """Record the first reading of each note by the guardian (the caller has checked access)."""
    published = [note for note in notes if note.is_published]
    NoteRead.objects.bulk_create(
        (NoteRead(note=note, guardian_id=guardian.id) for note in published),
        ignore_conflicts=True,
    )
    for note in published:
        # Its author's open status page reads the "lu" column again (no query here: a note
        # read before is re-rendered unchanged, only on a page that watches it).
        topics.status_changed(note, author_only=True)


@transaction.atomic
def liaison_note_remind(*, author: Actor, note: LiaisonNote) -> Reminder:
    """Remind the guardians of the children not confirmed yet: each gets a notification now
    (and, if they chose the daily e-mail digest, it goes into their next digest). One reminder
    a day per note at most, whoever sends it (the automatic one included); the Reminder row
    records who sent it, when and for which children."""
    _check_writer(author, note)
    # The lock serialises two clicks (or a click and the automatic run) on the same note.
    note = LiaisonNote.objects.select_for_update().get(pk=note.pk)
    if not note.is_published or not note.acknowledgement_required:
        raise LiaisonError("nothing to remind")
    if note.corrections.exists():
        raise NothingToRemind("replaced by a correction: remind the correction")
    last = reminder_sent_today(note)
    if last is not None:
        raise AlreadyRemindedToday(last)
    waiting = waiting_child_ids(note)
    if not waiting:
        raise NothingToRemind("every child is confirmed")
    reminder = Reminder.objects.create(note=note, sent_by_id=author.id, child_ids=waiting)
    queue_after_commit(deliver_liaison_reminder, reminder.pk)
    return reminder
