"""Reads of the rooms: which are a person's, what they may do in one now, and the posts they
may see — the changes after a version (a reconnection), a page of history before a number."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.accounts.models import Profile
from apps.accounts.permissions import Actor
from apps.accounts.selectors import names_only
from apps.chat import rules
from apps.chat.models import Mute, Post, PostState, Presence, Report, ReportState, Room, RoomKind
from apps.quiethours import clock
from apps.quiethours.schedule import delivery_time, is_quiet
from apps.quiethours.selectors import schedule_for
from apps.schools.models import Classroom

# A connection not heard from for this long is gone (its client beats every 25 s).
PRESENCE_TTL = datetime.timedelta(seconds=75)
HISTORY_PAGE = 50
CATCH_UP_MAX = 1000
DELETED = "Message supprimé par l'enseignant."
FORMER_ACCOUNT = "Ancien compte"


def room_version(room: Room) -> int:
    """The room's last version, read before its posts: a page built from both resumes from it
    (a change committed in between is sent again, and replaces itself)."""
    return int(Room.objects.values_list("last_version", flat=True).get(pk=room.pk))


def rooms_of(actor: Actor) -> list[Room]:
    """The rooms ``actor`` enters, class rooms first (in class order), then staff rooms. Rows
    missing are created by ``services.rooms_ensure``."""
    if not actor.active:
        return []
    wanted = Q(kind=RoomKind.CLASS, classroom_id__in=actor.taught_class_ids)
    if actor.is_pupil:
        wanted |= Q(kind=RoomKind.CLASS, classroom_id__in=actor.class_ids)
    if actor.is_school_staff:
        wanted |= Q(kind=RoomKind.STAFF, school_id__in=actor.school_ids)
    rooms = (
        Room.objects.filter(wanted).select_related("classroom", "school").prefetch_related("slots")
    )
    return sorted(rooms, key=lambda r: (r.kind != RoomKind.CLASS, r.name))


def classes_without_room(actor: Actor) -> list[Classroom]:
    ids = set(actor.taught_class_ids) | (set(actor.class_ids) if actor.is_pupil else set())
    return list(Classroom.objects.filter(pk__in=ids, year__is_current=True, chat_room__isnull=True))


def room_of(actor: Actor, room_id: int) -> tuple[Room, str] | None:
    """The room and ``actor``'s role in it; None when it is not theirs (404)."""
    room = Room.objects.select_related("classroom", "school").filter(pk=room_id).first()
    if room is None:
        return None
    role = rules.role_in(actor, room)
    return (room, role) if role else None


def teacher_present(room: Room, now: datetime.datetime | None = None) -> bool:
    if room.kind != RoomKind.CLASS or room.classroom_id is None:
        return False
    since = (now or timezone.now()) - PRESENCE_TTL
    teachers = Classroom.teachers.through.objects.filter(classroom_id=room.classroom_id).values(
        "user_id"
    )
    return Presence.objects.filter(room=room, seen_at__gte=since, user_id__in=teachers).exists()


def quiet_until(room: Room, now: datetime.datetime) -> datetime.datetime | None:
    """The end of the quiet hours under way for the room's school; None outside them."""
    if not settings.ENT_QUIET_HOURS:
        return None
    schedule = schedule_for(room.school_id)
    if not is_quiet(now, schedule):
        return None
    return delivery_time(now, schedule)


@dataclass(frozen=True)
class RoomFacts:
    """What a room's rules read of it now, for everyone in it: its session under way, whether
    a teacher of the class is there, who is muted for the session, the end of quiet hours under
    way (None outside them)."""

    session: datetime.datetime | None
    teacher_present: bool
    muted: frozenset[int]
    quiet_until: datetime.datetime | None


def room_facts(room: Room) -> RoomFacts:
    """A few queries (slots, presence, mutes, quiet hours), whoever asks."""
    now = clock.now()
    # The room may have been read long ago (a connection keeps the one of its connect): its
    # opening and closing are read again, with the rest.
    room.refresh_from_db(fields=["opened_at", "opened_by", "closed_at"])
    session = rules.session_start(room, list(room.slots.all()), now)
    muted = (
        frozenset(Mute.objects.filter(room=room, session=session).values_list("user_id", flat=True))
        if session is not None
        else frozenset()
    )
    return RoomFacts(session, teacher_present(room, now), muted, quiet_until(room, now))


def standing_from(actor: Actor, role: str, facts: RoomFacts) -> rules.Standing:
    """What ``actor`` may do in the room whose facts these are (no query)."""
    return rules.standing(
        actor,
        role,
        session=facts.session,
        teacher_present=facts.teacher_present if actor.is_pupil else True,
        muted=actor.is_pupil and actor.id in facts.muted,
        quiet_until=facts.quiet_until if rules.closed_by_quiet_hours(actor) else None,
    )


def standing_in(actor: Actor, room: Room, role: str) -> rules.Standing:
    """What ``actor`` may do in ``room`` now."""
    return standing_from(actor, role, room_facts(room))


def _visible(posts: QuerySet[Post], actor: Actor, role: str) -> QuerySet[Post]:
    """A moderator sees every post; a member the shown and deleted ones that the class saw,
    and their own held ones (marked as waiting)."""
    if role == rules.MODERATOR:
        return posts
    return posts.filter(
        Q(state=PostState.SHOWN)
        | Q(state=PostState.DELETED, was_shown=True)
        | Q(state=PostState.HELD, author_id=actor.id)
    )


def _with_authors(posts: QuerySet[Post]) -> QuerySet[Post]:
    return names_only(posts.select_related("author"), "author")


def changes_after(room: Room, actor: Actor, role: str, version: int) -> list[Post]:
    """The posts changed after ``version`` that ``actor`` may see, in the order of the
    changes (at most ``CATCH_UP_MAX``: a client further behind reloads the page)."""
    posts = _visible(Post.objects.filter(room=room, version__gt=version), actor, role)
    return list(_with_authors(posts).order_by("version")[:CATCH_UP_MAX])


def history(room: Room, actor: Actor, role: str, before: int | None = None) -> list[Post]:
    """The ``HISTORY_PAGE`` posts before number ``before`` (None: the latest), oldest first."""
    posts = _visible(Post.objects.filter(room=room), actor, role)
    if before is not None:
        posts = posts.filter(number__lt=before)
    latest = list(_with_authors(posts).order_by("-number")[:HISTORY_PAGE])
    return latest[::-1]


def author_label(post: Post) -> str:
    author = post.author
    if author is None or author.left_at is not None:
        return FORMER_ACCOUNT
    return author.display_name


def reportable(room: Room, number: int) -> Post | None:
    """A post of ``room`` the class sees now (the only ones one may report), with its
    author."""
    posts = Post.objects.filter(room=room, number=number, state=PostState.SHOWN)
    return _with_authors(posts).first()


def post_view(post: Post, *, moderator: bool = False) -> dict[str, Any]:
    """A post as a client shows it (JSON over the socket, and the page's own list)."""
    deleted = post.state == PostState.DELETED
    view: dict[str, Any] = {
        "id": post.version,
        "number": post.number,
        "room_id": post.room_id,
        "state": post.state,
        "author": author_label(post),
        "author_id": post.author_id,
        "by_pupil": post.author is not None and post.author.profile == Profile.PUPIL,
        "body": DELETED if deleted else post.body,
        "time": timezone.localtime(post.created_at).strftime("%H:%M").replace(":", " h "),
    }
    if moderator and post.state == PostState.HELD:
        view["flagged"] = post.flagged
    return view


def open_reports(actor: Actor) -> QuerySet[Report]:
    """The open reports of the rooms of ``actor``'s schools (all of them for the commune
    administrator), oldest first."""
    reports = Report.objects.filter(state=ReportState.OPEN).select_related(
        "post", "post__room", "post__room__classroom", "post__author", "reporter"
    )
    if not actor.is_commune_admin:
        reports = reports.filter(post__room__school_id__in=actor.directed_school_ids)
    return names_only(reports, "post__author", "reporter").order_by("created_at", "pk")


def report_of(actor: Actor, report_id: int) -> Report | None:
    return open_reports(actor).filter(pk=report_id).first()


def report_count(actor: Actor) -> int:
    if not (actor.is_commune_admin or actor.directed_school_ids):
        return 0
    return open_reports(actor).count()


@dataclass(frozen=True)
class RoomLine:
    room: Room
    is_open: bool
    note: str


def room_lines(actor: Actor) -> list[RoomLine]:
    """The rooms of the list page, each open or closed now, with its one-line note."""
    now = clock.now()
    lines = []
    for room in rooms_of(actor):
        session = rules.session_start(room, list(room.slots.all()), now)
        quiet = quiet_until(room, now) if rules.closed_by_quiet_hours(actor) else None
        if quiet is not None:
            lines.append(RoomLine(room, False, rules.quiet_sentence(quiet)))
        elif session is None:
            lines.append(RoomLine(room, False, "Fermé"))
        else:
            lines.append(RoomLine(room, True, "Ouvert"))
    return lines
