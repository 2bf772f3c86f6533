"""Reads of the cahier de liaison. Getters answer ``None`` for "missing" and "forbidden"
alike; lists cost the same number of queries whatever the number of pupils or notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.permissions import Actor, can_read_liaison_note, can_write_liaison_note
from apps.audiences import Audience
from apps.french.ordering import classroom_order, name_order
from apps.liaison.models import (
    Acknowledgement,
    LiaisonNote,
    NoteRead,
    NoteRecipient,
    Recipients,
    Reminder,
    Reply,
)


def note_audience(note: LiaisonNote) -> Audience:
    """Who the note is for, as an audience (``apps.audiences``): its school, its class, or
    its chosen pupils (one query for those)."""
    if note.audience == Recipients.SCHOOL:
        return Audience.of_school(note.school_id)
    assert note.classroom_id is not None  # noqa: S101 - the model's check constraint
    if note.audience == Recipients.PUPILS:
        return Audience.of_pupils(
            school_id=note.school_id,
            classroom_id=note.classroom_id,
            pupil_ids=note.chosen_pupils.values_list("pk", flat=True),
        )
    return Audience.of_class(school_id=note.school_id, classroom_id=note.classroom_id)


def notes_written_for(actor: Actor) -> QuerySet[LiaisonNote]:
    """The notes a member of staff may manage: their classes' and, for a director, the school's."""
    if not actor.active or not actor.is_school_staff:
        return LiaisonNote.objects.none()
    return (
        LiaisonNote.objects.filter(
            Q(classroom_id__in=actor.taught_class_ids) | Q(school_id__in=actor.directed_school_ids)
        )
        .select_related("classroom", "school", "publication")
        .annotate(
            recipient_count=Count("recipients", distinct=True),
            acknowledgement_count=Count("acknowledgements", distinct=True),
        )
        .prefetch_related("publication__attachments")
    )


def note_managed_by(actor: Actor, note_id: int) -> LiaisonNote | None:
    """The note, with ``correction_id`` (its latest correction's id, or None)."""
    latest_correction = LiaisonNote.objects.filter(corrects=OuterRef("pk")).order_by("-id")
    note = (
        LiaisonNote.objects.select_related("classroom", "school", "publication")
        .annotate(correction_id=Subquery(latest_correction.values("pk")[:1]))
        .filter(pk=note_id)
        .first()
    )
    if note is None or not can_write_liaison_note(
        author=actor, school_id=note.school_id, classroom_id=note.classroom_id
    ):
        return None
    return note


@dataclass(frozen=True)
class RecipientStatus:
    child: User
    classroom_name: str
    read: bool
    confirmed_at: datetime | None
    confirmed_by: str


def note_status(note: LiaisonNote) -> list[RecipientStatus]:
    """Each child the note concerns: read by a guardian? confirmed, when, by whom — one query."""
    acknowledgement = Acknowledgement.objects.filter(note=OuterRef("note"), child=OuterRef("child"))
    rows = (
        NoteRecipient.objects.filter(note=note)
        .select_related("child", "classroom")
        .annotate(
            read=Exists(
                NoteRead.objects.filter(
                    note=OuterRef("note"), guardian__guardianships__child=OuterRef("child")
                )
            ),
            confirmed_at=Subquery(acknowledgement.values("at")[:1]),
            confirmed_by=Subquery(acknowledgement.values("guardian_name")[:1]),
        )
        .order_by(
            *classroom_order("classroom__"),
            *name_order("child__last_name", "child__first_name"),
            "child_id",
        )
    )
    return [
        RecipientStatus(
            child=row.child,
            classroom_name=row.classroom.name,
            read=row.read or row.confirmed_at is not None,
            confirmed_at=row.confirmed_at,
            confirmed_by=row.confirmed_by or "",
        )
        for row in rows
    ]


def note_replies(note: LiaisonNote) -> QuerySet[Reply]:
    return note.replies.select_related("guardian")


def note_reminders(note: LiaisonNote) -> QuerySet[Reminder]:
    """The note's reminders, newest first, with who sent them (None: the automatic one)."""
    return note.reminders.select_related("sent_by").order_by("-at", "-id")


def start_of_today() -> datetime:
    """Midnight of today in Europe/Paris: "one reminder a day" counts calendar days there."""
    today = timezone.localdate()
    return timezone.make_aware(dt.datetime.combine(today, dt.time.min))


def reminder_sent_today(note: LiaisonNote) -> Reminder | None:
    """Today's reminder of the note (by hand or automatic), if there is one."""
    return note.reminders.filter(at__gte=start_of_today()).order_by("-at", "-id").first()


def waiting_child_ids(note: LiaisonNote) -> list[int]:
    """The children the note concerns whom no guardian has confirmed yet, sorted."""
    return sorted(
        note.recipients.exclude(child_id__in=note.acknowledgements.values("child_id")).values_list(
            "child_id", flat=True
        )
    )


def own_replies(notes: Iterable[LiaisonNote], guardian_id: int) -> dict[int, Reply]:
    """Per note id, the reader's own reply, in one query. A reply is read by the note's author
    only: a child's other guardian (separated parents, say) does not see it."""
    rows = Reply.objects.filter(
        note__in=[note.pk for note in notes], guardian_id=guardian_id
    ).select_related("guardian")
    return {reply.note_id: reply for reply in rows}


def notes_for_child(actor: Actor, child_id: int) -> QuerySet[LiaisonNote]:
    """Published notes concerning ``child_id``, for the child or one of their guardians, each
    with ``confirmed`` (for this child), ``read`` and ``replied`` (by this guardian), and their
    attachments (one more query)."""
    if not actor.active or not (
        (actor.is_parent and child_id in actor.child_ids)
        or (actor.is_pupil and actor.id == child_id)
    ):
        return LiaisonNote.objects.none()
    return (
        LiaisonNote.objects.filter(published_at__isnull=False, recipients__child_id=child_id)
        .select_related("corrects", "publication")
        .annotate(
            confirmed_at=Subquery(
                Acknowledgement.objects.filter(note=OuterRef("pk"), child_id=child_id).values("at")[
                    :1
                ]
            ),
            read=Exists(NoteRead.objects.filter(note=OuterRef("pk"), guardian_id=actor.id)),
            replied=Exists(Reply.objects.filter(note=OuterRef("pk"), guardian_id=actor.id)),
        )
        .prefetch_related("publication__attachments")
        .order_by("-published_at", "-id")
    )


def note_for_family(actor: Actor, note_id: int) -> tuple[LiaisonNote, frozenset[int]] | None:
    """A published note a guardian or pupil may read, with the ids of the children it concerns."""
    note = LiaisonNote.objects.filter(pk=note_id, published_at__isnull=False).first()
    if note is None:
        return None
    recipients = frozenset(note.recipients.values_list("child_id", flat=True))
    if actor.is_school_staff or not can_read_liaison_note(
        reader=actor,
        school_id=note.school_id,
        classroom_id=note.classroom_id,
        recipient_child_ids=recipients,
    ):
        return None
    return note, recipients


def slips(note: LiaisonNote) -> QuerySet[NoteRecipient]:
    return (
        NoteRecipient.objects.filter(note=note)
        .select_related("child", "classroom")
        .order_by(
            *classroom_order("classroom__"),
            *name_order("child__last_name", "child__first_name"),
            "child_id",
        )
    )


def notes_to_sign_by_child(actor: Actor) -> dict[int, int]:
    """For a guardian with parental authority: how many published notes that ask for a
    signature wait for theirs, per child (one query). A note replaced by a correction no longer
    waits: the correction does."""
    if not actor.active or not actor.is_parent or not actor.authority_child_ids:
        return {}
    rows = (
        NoteRecipient.objects.filter(
            child_id__in=actor.authority_child_ids,
            note__published_at__isnull=False,
            note__acknowledgement_required=True,
            note__corrections__isnull=True,
        )
        .exclude(
            Exists(Acknowledgement.objects.filter(note=OuterRef("note"), child=OuterRef("child")))
        )
        .values("child_id")
        .annotate(waiting=Count("pk"))
        .values_list("child_id", "waiting")
    )
    return dict(rows)


@dataclass(frozen=True)
class AwaitingSignatures:
    note: LiaisonNote
    recipients: int
    signed: int


def notes_awaiting_signatures(actor: Actor, *, limit: int = 5) -> list[AwaitingSignatures]:
    """The latest published notes of a member of staff that still miss signatures, with their
    counts (one query)."""
    notes = notes_written_for(actor).filter(
        published_at__isnull=False, acknowledgement_required=True, corrections__isnull=True
    )
    counted = (
        AwaitingSignatures(
            note=note,
            recipients=getattr(note, "recipient_count", 0),
            signed=getattr(note, "acknowledgement_count", 0),
        )
        for note in notes.order_by("-published_at", "-id")[: limit * 4]
    )
    return [item for item in counted if item.signed < item.recipients][:limit]
