"""Who is in a room and who may write in it: pure rules over the ``Actor`` and what the
selectors read (no database access here).

* A class room: its teachers moderate it; its pupils (this year's) are its members. Nobody else
  enters — no parent, no pupil of another class, and no private room between pupils.
* A staff room: the school's staff, all members; no moderator.
* Pupils write only while the room is open, a teacher of the class is there, they are not muted
  for this session, and it is not quiet hours (evenings, weekends, holidays: the room is then
  closed to pupils and parents).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from apps.accounts.permissions import Actor
from apps.chat.models import Room, RoomKind, Slot
from apps.french.formatting import jour_semaine
from apps.quiethours.schedule import PARIS

MODERATOR = "moderator"
MEMBER = "member"

CLOSED = "Le salon est fermé : l'enseignant l'ouvrira."
NO_TEACHER = "Lecture seule : on écrit quand l'enseignant est là."
MUTED = "L'enseignant a coupé ta parole pour cette séance."
NOT_YOURS = "Ce salon n'est pas le vôtre."


def role_in(actor: Actor, room: Room) -> str | None:
    """``MODERATOR``, ``MEMBER`` or None (not theirs: answered 404)."""
    if not actor.active:
        return None
    if room.kind == RoomKind.CLASS:
        if room.classroom_id in actor.taught_class_ids:
            return MODERATOR
        if actor.is_pupil and room.classroom_id in actor.class_ids:
            return MEMBER
        return None
    if actor.is_school_staff and room.school_id in actor.school_ids:
        return MEMBER
    return None


def closed_by_quiet_hours(actor: Actor) -> bool:
    """Quiet hours close rooms to pupils and parents; staff keep their staff room."""
    return actor.is_pupil or actor.is_parent


def session_start(
    room: Room, slots: Iterable[Slot], now: datetime.datetime
) -> datetime.datetime | None:
    """The start of the room's opening under way at ``now`` (a mute lasts that long), or None
    when it is closed. A staff room is always open (its session: since its creation)."""
    if room.kind == RoomKind.STAFF:
        return room.created_at
    local = now.astimezone(PARIS)
    closed = room.closed_at
    opened = room.opened_at
    if opened is not None and (closed is None or closed < opened):
        # Opened "now": until a teacher closes it, the same day at the latest.
        if opened.astimezone(PARIS).date() == local.date():
            return opened
    for slot in slots:
        if slot.weekday != local.weekday() or not slot.starts <= local.time() < slot.ends:
            continue
        start = datetime.datetime.combine(local.date(), slot.starts, tzinfo=PARIS)
        if closed is not None and closed >= start:
            return None  # closed by a teacher during this slot
        return start
    return None


def quiet_sentence(until: datetime.datetime) -> str:
    local = until.astimezone(PARIS)
    return (
        "Le salon est fermé le soir, le week-end et pendant les vacances : il rouvre "
        f"{jour_semaine(local.date())} à {local.hour} h {local.minute:02d}."
    )


@dataclass(frozen=True)
class Standing:
    """What a person may do in a room now, and the one sentence that says why not."""

    role: str
    session: datetime.datetime | None
    may_write: bool
    reason: str = ""
    quiet_until: datetime.datetime | None = None

    @property
    def is_moderator(self) -> bool:
        return self.role == MODERATOR

    @property
    def is_open(self) -> bool:
        return self.session is not None and self.quiet_until is None


def standing(
    actor: Actor,
    role: str,
    *,
    session: datetime.datetime | None,
    teacher_present: bool,
    muted: bool,
    quiet_until: datetime.datetime | None,
) -> Standing:
    """``quiet_until``: the end of the quiet hours under way, None outside them."""
    if quiet_until is not None and closed_by_quiet_hours(actor):
        return Standing(role, session, False, quiet_sentence(quiet_until), quiet_until)
    if role == MODERATOR:
        # A teacher writes in an open room; opening it is one click away when it is closed.
        return Standing(role, session, session is not None, "" if session else CLOSED)
    if session is None:
        return Standing(role, session, False, CLOSED)
    if actor.is_pupil:
        if muted:
            return Standing(role, session, False, MUTED)
        if not teacher_present:
            return Standing(role, session, False, NO_TEACHER)
    return Standing(role, session, True)
