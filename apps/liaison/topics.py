"""The cahier de liaison's live topic (``apps.live.topics``): a note's follow-up table on its
author's status page ("liaison.status:<note id>"), re-rendered when a family reads or confirms
it. Only those who manage the note (``note_managed_by``) may watch it."""

from __future__ import annotations

from django.template.loader import render_to_string

from apps.accounts.models import User
from apps.accounts.selectors import actor_for
from apps.liaison.models import LiaisonNote
from apps.live import push
from apps.live.topics import Topic, register
from apps.schools.models import Classroom, SchoolMembership, SchoolRole

STATUS = "liaison.status"


def _status(user: User, argument: str) -> str | None:
    from apps.liaison.selectors import note_managed_by, note_status

    if not argument.isdigit():
        return None
    note = note_managed_by(actor_for(user), int(argument))
    if note is None:
        return None
    rows = note_status(note)
    confirmed = sum(1 for row in rows if row.confirmed_at is not None)
    return render_to_string(
        "liaison/_status_table.html", {"note": note, "rows": rows, "confirmed": confirmed}
    )


def register_topics() -> None:
    register(Topic(STATUS, _status))


def status_changed(note: LiaisonNote, *, author_only: bool = False) -> None:
    """Tell the pages of those who may manage the note: its author, the class's teachers, the
    school's direction (each page checks the right again when it renders); ``author_only``:
    its author's, at no query."""
    managers = {note.author_id} if note.author_id else set()
    if author_only:
        push.changed(managers, f"{STATUS}:{note.pk}")
        return
    if note.classroom_id:
        managers |= set(
            Classroom.teachers.through.objects.filter(classroom_id=note.classroom_id).values_list(
                "user_id", flat=True
            )
        )
    managers |= set(
        SchoolMembership.objects.filter(
            school_id=note.school_id, role=SchoolRole.DIRECTOR
        ).values_list("user_id", flat=True)
    )
    push.changed(managers, f"{STATUS}:{note.pk}")
