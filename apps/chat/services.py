"""Writes of the rooms. Every post is stored, under the room's row lock that hands out its
version, before anything is pushed (``apps.chat.events``); the teacher's decisions are in the
journal."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.accounts.models import Profile, User
from apps.accounts.permissions import Actor
from apps.audit.services import record_event
from apps.chat import events, rules
from apps.chat.models import (
    MAX_POST_LENGTH,
    Mute,
    Post,
    PostState,
    Presence,
    Report,
    ReportState,
    Room,
    RoomKind,
    Slot,
)
from apps.chat.selectors import PRESENCE_TTL, classes_without_room, standing_in
from apps.chat.words import flagged_words
from apps.quiethours import clock
from apps.schools.models import School


class ChatError(Exception):
    """One French sentence for the person; nothing was changed."""


EMPTY = "Écrivez un message avant de l'envoyer."
TOO_LONG = f"Un message a au plus {MAX_POST_LENGTH} caractères."
NOT_MODERATOR = "Seul un enseignant de la classe peut faire cela."


def rooms_ensure(actor: Actor) -> None:
    """Create the rooms ``actor`` may enter that do not exist yet (the class rooms of their
    classes, the staff rooms of their schools)."""
    for classroom in classes_without_room(actor):
        Room.objects.get_or_create(
            classroom=classroom, defaults={"kind": RoomKind.CLASS, "school_id": classroom.school_id}
        )
    if actor.is_school_staff:
        have = set(
            Room.objects.filter(kind=RoomKind.STAFF, school_id__in=actor.school_ids).values_list(
                "school_id", flat=True
            )
        )
        for school in School.objects.filter(pk__in=set(actor.school_ids) - have):
            try:
                with transaction.atomic():
                    Room.objects.create(kind=RoomKind.STAFF, school=school)
            except IntegrityError:
                pass  # created meanwhile by another request


def _locked(room: Room) -> Room:
    return Room.objects.select_for_update().get(pk=room.pk)


def _next_version(room: Room) -> int:
    """The room's next version: one ``UPDATE … RETURNING``, which also takes the room's row
    lock until the caller's transaction ends (two writers of a room wait for each other
    here, and their versions follow their commits)."""
    table = connection.ops.quote_name(Room._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_version = last_version + 1 WHERE id = %s"  # noqa: S608
            " RETURNING last_version",
            [room.pk],
        )
        return int(cursor.fetchone()[0])


# The columns a new post is written with: every one but those the statement fills itself.
_POST_COLUMNS = [
    field for field in Post._meta.concrete_fields if field.name not in ("id", "number", "version")
]


def _store_post(post: Post) -> Post:
    """``post`` stored with the room's next version as its number and version, in one
    statement: the ``UPDATE … RETURNING`` of ``_next_version`` (the room's row lock, held to
    the commit) feeding the ``INSERT``. A room's posts are its busiest write (every message
    of a class): one round trip to the database instead of four (begin, update, insert,
    commit) when no transaction is open, and still under the caller's one when there is."""
    rooms = connection.ops.quote_name(Room._meta.db_table)
    posts = connection.ops.quote_name(Post._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in _POST_COLUMNS)
    holders = ", ".join(["%s"] * len(_POST_COLUMNS))
    numbering = ", ".join(
        connection.ops.quote_name(str(field.column))
        for field in Post._meta.concrete_fields
        if field.name in ("number", "version")
    )
    values = [
        field.get_db_prep_save(getattr(post, field.attname), connection) for field in _POST_COLUMNS
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH next AS (UPDATE {rooms} SET last_version = last_version + 1"  # noqa: S608
            " WHERE id = %s RETURNING last_version)"
            f" INSERT INTO {posts} ({columns}, {numbering})"
            f" SELECT {holders}, next.last_version, next.last_version FROM next"
            " RETURNING id, version",
            [post.room_id, *values],
        )
        row = cursor.fetchone()
    if row is None:
        raise ChatError(rules.NOT_YOURS)  # the room is gone
    post.pk, post.number, post.version = row[0], row[1], row[1]
    post._state.adding = False
    post._state.db = connection.alias
    return post


def _moderator(actor: Actor, room: Room) -> None:
    if rules.role_in(actor, room) != rules.MODERATOR:
        raise ChatError(NOT_MODERATOR)


def _journal(action: str, actor: Actor, room: Room, **details: object) -> None:
    record_event(action=action, actor=actor, target=f"salon {room.pk}", details=details)


# --- posts -----------------------------------------------------------------------------------


def post_write(
    *,
    actor: Actor,
    room: Room,
    body: str,
    standing: rules.Standing | None = None,
    author: User | None = None,
) -> Post:
    """A post in ``room``: refused with the sentence of ``rules.standing`` when ``actor`` may
    not write now; a member's post that contains a word of ``apps.chat.words`` is held for the
    teacher (shown to the class only once released). ``standing``: what a connection read of
    the room at most ``consumers.STANDING_SECONDS`` ago and has kept current since from the
    room's events (a teacher leaving, a mute, a closing); read now when not given. ``author``:
    the writer's account when the caller holds it (the change event names them; else read)."""
    text = body.strip()
    if not text:
        raise ChatError(EMPTY)
    if len(text) > MAX_POST_LENGTH:
        raise ChatError(TOO_LONG)
    role = rules.role_in(actor, room)
    if role is None:
        raise ChatError(rules.NOT_YOURS)
    if standing is None or standing.role != role:
        standing = standing_in(actor, room, role)
    if not standing.may_write:
        raise ChatError(standing.reason)
    flagged = flagged_words(text)
    held = bool(flagged) and role != rules.MODERATOR
    post = _store_post(
        Post(
            room=room,
            author_id=actor.id,
            body=text,
            state=PostState.HELD if held else PostState.SHOWN,
            flagged=", ".join(flagged)[:200] if held else "",
            was_shown=not held,
            created_at=timezone.now(),
        )
    )
    if author is not None and author.pk == actor.id:
        post.author = author
    else:
        post = _for_event(post)
    events.changed(room, post)
    return post


def _for_event(post: Post) -> Post:
    """The post with its author loaded (the event names them)."""
    return Post.objects.select_related("author").get(pk=post.pk)


def _moderated_post(actor: Actor, room: Room, number: int) -> Post:
    _moderator(actor, room)
    post = Post.objects.select_for_update().filter(room=room, number=number).first()
    if post is None:
        raise ChatError("Ce message n'existe plus.")
    return post


def post_delete(*, actor: Actor, room: Room, number: int) -> Post:
    """The teacher deletes a post: everyone sees "supprimé par l'enseignant" at once."""
    with transaction.atomic():
        locked = _locked(room)
        post = _moderated_post(actor, locked, number)
        if post.state == PostState.DELETED:
            return post
        _delete(post, locked, actor)
        _journal("chat.deleted", actor, locked, post=post.number)
    return post


def _delete(post: Post, room: Room, actor: Actor) -> None:
    post.state = PostState.DELETED
    post.version = _next_version(room)
    post.deleted_by_id = actor.id
    post.deleted_at = timezone.now()
    post.save(update_fields=["state", "version", "deleted_by", "deleted_at"])
    events.changed(room, _for_event(post))


def post_release(*, actor: Actor, room: Room, number: int) -> Post:
    """A held post shown to the class after all."""
    with transaction.atomic():
        locked = _locked(room)
        post = _moderated_post(actor, locked, number)
        if post.state != PostState.HELD:
            raise ChatError("Ce message n'est plus retenu.")
        post.state = PostState.SHOWN
        post.was_shown = True
        post.version = _next_version(locked)
        post.save(update_fields=["state", "was_shown", "version"])
        events.changed(locked, _for_event(post))
        _journal("chat.released", actor, locked, post=post.number)
    return post


# --- the room --------------------------------------------------------------------------------


def room_open(*, actor: Actor, room: Room) -> None:
    """Opened now, until the teacher closes it (the same day at the latest)."""
    _moderator(actor, room)
    with transaction.atomic():
        locked = _locked(room)
        locked.opened_at, locked.opened_by_id = clock.now(), actor.id
        locked.save(update_fields=["opened_at", "opened_by"])
        _journal("chat.opened", actor, locked)
        events.state_changed(locked)


def room_close(*, actor: Actor, room: Room) -> None:
    """Closed now, also during a scheduled slot (the next slot opens it again)."""
    _moderator(actor, room)
    with transaction.atomic():
        locked = _locked(room)
        locked.closed_at = clock.now()
        locked.save(update_fields=["closed_at"])
        _journal("chat.closed", actor, locked)
        events.state_changed(locked)


def slot_add(
    *, actor: Actor, room: Room, weekday: int, starts: datetime.time, ends: datetime.time
) -> Slot:
    _moderator(actor, room)
    if not 0 <= weekday <= 6:
        raise ChatError("Choisissez un jour de la semaine.")
    if starts >= ends:
        raise ChatError("L'heure de fin vient après l'heure de début.")
    overlapping = room.slots.filter(weekday=weekday, starts__lt=ends, ends__gt=starts).exists()
    if overlapping:
        raise ChatError("Ce créneau chevauche un autre créneau du même jour.")
    with transaction.atomic():
        slot = Slot.objects.create(room=room, weekday=weekday, starts=starts, ends=ends)
        _journal("chat.schedule", actor, room, added=f"{weekday} {starts}-{ends}")
        events.state_changed(room)
    return slot


def slot_delete(*, actor: Actor, room: Room, slot_id: int) -> None:
    _moderator(actor, room)
    with transaction.atomic():
        deleted = Slot.objects.filter(room=room, pk=slot_id).delete()[0]
        if deleted:
            _journal("chat.schedule", actor, room, removed=slot_id)
            events.state_changed(room)


def pupil_mute(*, actor: Actor, room: Room, user_id: int) -> None:
    """The pupil writes no more in this session of the room."""
    _moderator(actor, room)
    standing = standing_in(actor, room, rules.MODERATOR)
    if standing.session is None:
        raise ChatError(rules.CLOSED)
    wrote = Post.objects.filter(room=room, author_id=user_id, author__profile=Profile.PUPIL)
    if not wrote.exists():
        raise ChatError("Seul un élève qui a écrit dans ce salon peut perdre la parole.")
    with transaction.atomic():
        _mute, created = Mute.objects.get_or_create(
            room=room, user_id=user_id, session=standing.session, defaults={"muted_by_id": actor.id}
        )
        if created:
            _journal("chat.muted", actor, room, pupil=user_id)
            events.state_changed(room)


# --- presence --------------------------------------------------------------------------------


def presence_enter(*, room: Room, user_id: int, channel_name: str, teacher: bool) -> None:
    now = timezone.now()
    with transaction.atomic():
        Presence.objects.filter(room=room, seen_at__lt=now - PRESENCE_TTL).delete()
        Presence.objects.update_or_create(
            channel_name=channel_name, defaults={"room": room, "user_id": user_id, "seen_at": now}
        )
        if teacher:
            events.state_changed(room)


def presence_beat(*, channel_name: str) -> None:
    Presence.objects.filter(channel_name=channel_name).update(seen_at=timezone.now())


def presence_leave(*, room: Room, channel_name: str, teacher: bool) -> None:
    with transaction.atomic():
        Presence.objects.filter(channel_name=channel_name).delete()
        if teacher:
            events.state_changed(room)


# --- reports ---------------------------------------------------------------------------------


def post_report(*, actor: Actor, room: Room, number: int, reason: str = "") -> Report:
    """ "Signaler": a post goes to the referents (the school's direction, the commune
    administrator), who keep it or delete it."""
    from apps.chat.notifications import notify_report

    if rules.role_in(actor, room) is None:
        raise ChatError(rules.NOT_YOURS)
    post = Post.objects.filter(room=room, number=number, state=PostState.SHOWN).first()
    if post is None:
        raise ChatError("Ce message n'existe plus.")
    with transaction.atomic():
        report, created = Report.objects.get_or_create(
            post=post,
            reporter_id=actor.id,
            state=ReportState.OPEN,
            defaults={"reason": reason.strip()[:300]},
        )
        if created:
            _journal("chat.reported", actor, room, post=post.number, report=report.pk)
            notify_report(report)
    return report


def report_handle(*, actor: Actor, report: Report, decision: str) -> None:
    """``decision``: "kept" or "deleted" (for everyone, at once)."""
    if decision not in (ReportState.KEPT, ReportState.DELETED):
        raise ChatError("Choisissez : conserver ou supprimer.")
    room = report.post.room
    if not (actor.is_commune_admin or room.school_id in actor.directed_school_ids):
        raise ChatError("Ce signalement n'est pas le vôtre.")
    with transaction.atomic():
        locked = _locked(room)
        post = Post.objects.select_for_update().get(pk=report.post_id)
        if decision == ReportState.DELETED and post.state != PostState.DELETED:
            _delete(post, locked, actor)
        Report.objects.filter(post=post, state=ReportState.OPEN).update(
            state=decision, handled_by_id=actor.id, handled_at=timezone.now()
        )
        action = "chat.report_deleted" if decision == ReportState.DELETED else "chat.report_kept"
        _journal(action, actor, locked, post=post.number, report=report.pk)


# --- retention -------------------------------------------------------------------------------


def posts_purge(now: datetime.datetime) -> int:
    """The posts older than ``ENT_CHAT_RETENTION_DAYS`` (their reports go with them), the mutes
    of sessions as old, and the presences of connections gone without a word (a crashed
    process). Returns how many posts went."""
    cutoff = now - datetime.timedelta(days=settings.ENT_CHAT_RETENTION_DAYS)
    Mute.objects.filter(session__lt=cutoff).delete()
    Presence.objects.filter(seen_at__lt=now - PRESENCE_TTL).delete()
    _total, by_model = Post.objects.filter(created_at__lt=cutoff).delete()
    return by_model.get(Post._meta.label, 0)
