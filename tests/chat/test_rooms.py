"""The rooms' rules and services, in-process: who enters, when pupils write, the word list,
the teacher's decisions, reports, and the versions a reconnection resumes from."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.audit.models import AuditEvent
from apps.chat import rules, selectors, services
from apps.chat.consumers import RoomConsumer  # noqa: F401 - the module imports cleanly
from apps.chat.models import Post, PostState, Presence, Report, Room, RoomKind, Slot
from apps.chat.words import flagged_words
from apps.live.consumers import RateBucket
from apps.notifications.models import Notification
from apps.quiethours.schedule import PARIS
from tests.world import World

ALL_DAY = (datetime.time(0, 0), datetime.time(23, 59, 59, 999999))


def a1_room(world: World, *, open_all_day: bool = True) -> Room:
    with schema_context(world.schema):
        services.rooms_ensure(actor_for(world["t1"]))
        room = Room.objects.get(classroom=world.classes["A1"])
        if open_all_day:
            Slot.objects.bulk_create(
                Slot(room=room, weekday=day, starts=ALL_DAY[0], ends=ALL_DAY[1]) for day in range(7)
            )
        return room


def teacher_here(world: World, room: Room) -> None:
    with schema_context(world.schema):
        Presence.objects.create(
            room=room, user=world["t1"], channel_name="test!teacher", seen_at=timezone.now()
        )


def write(world: World, name: str, room: Room, body: str) -> Post:
    with schema_context(world.schema):
        return services.post_write(actor=actor_for(world[name]), room=room, body=body)


def test_who_enters_a_class_room_and_the_staff_room(bordeaux: World):
    room = a1_room(bordeaux)
    with schema_context("bordeaux"):
        roles = {name: rules.role_in(actor_for(bordeaux[name]), room) for name in bordeaux.people}
        staff = Room.objects.get(kind=RoomKind.STAFF, school=bordeaux.schools["A"])
        staff_roles = {n: rules.role_in(actor_for(bordeaux[n]), staff) for n in ("t1", "dA", "p1")}
    assert roles["t1"] == rules.MODERATOR
    assert roles["p1"] == roles["p2"] == rules.MEMBER
    assert {name for name, role in roles.items() if role} == {"t1", "p1", "p2"}
    assert staff_roles == {"t1": rules.MEMBER, "dA": rules.MEMBER, "p1": None}


def test_a_pupil_writes_only_in_an_open_room_with_a_teacher_there(bordeaux: World):
    closed = a1_room(bordeaux, open_all_day=False)
    with pytest.raises(services.ChatError, match=rules.CLOSED):
        write(bordeaux, "p1", closed, "Bonjour")
    with schema_context("bordeaux"):
        services.room_open(actor=actor_for(bordeaux["t1"]), room=closed)
        closed.refresh_from_db()
    with pytest.raises(services.ChatError, match=rules.NO_TEACHER):
        write(bordeaux, "p1", closed, "Bonjour")
    teacher_here(bordeaux, closed)
    post = write(bordeaux, "p1", closed, "Bonjour")
    assert (post.state, post.number, post.version) == (PostState.SHOWN, 1, 1)
    with schema_context("bordeaux"):
        services.room_close(actor=actor_for(bordeaux["t1"]), room=closed)
        closed.refresh_from_db()
        assert {e.action for e in AuditEvent.objects.all()} >= {"chat.opened", "chat.closed"}
    with pytest.raises(services.ChatError, match=rules.CLOSED):
        write(bordeaux, "p1", closed, "Encore")
    with schema_context("bordeaux"):
        assert Post.objects.count() == 1  # a refused post is not stored


def test_empty_too_long_and_strangers_posts_are_refused_and_nothing_is_stored(bordeaux: World):
    room = a1_room(bordeaux)
    teacher_here(bordeaux, room)
    with pytest.raises(services.ChatError, match="Écrivez un message"):
        write(bordeaux, "p1", room, "   ")
    with pytest.raises(services.ChatError, match="1000 caractères"):
        write(bordeaux, "p1", room, "a" * 1001)
    with pytest.raises(services.ChatError, match="pas le vôtre"):
        write(bordeaux, "p3", room, "Bonjour")  # a pupil of A2
    with pytest.raises(services.ChatError, match="pas le vôtre"):
        write(bordeaux, "par1", room, "Bonjour")
    with schema_context("bordeaux"):
        assert Post.objects.count() == 0


def test_a_listed_word_holds_the_post_for_the_teacher_until_released(bordeaux: World):
    room = a1_room(bordeaux)
    teacher_here(bordeaux, room)
    held = write(bordeaux, "p1", room, "T'es un CONNARD")
    shown = write(bordeaux, "p2", room, "Bonjour à tous")
    with schema_context("bordeaux"):
        assert held.state == PostState.HELD and held.flagged == "connard"
        t1, p1, p2 = (actor_for(bordeaux[n]) for n in ("t1", "p1", "p2"))
        seen = {
            name: [p.number for p in selectors.history(room, actor, role)]
            for name, actor, role in (
                ("t1", t1, rules.MODERATOR),
                ("p1", p1, rules.MEMBER),
                ("p2", p2, rules.MEMBER),
            )
        }
        assert seen == {"t1": [1, 2], "p1": [1, 2], "p2": [2]}  # the author sees theirs waiting
        services.post_release(actor=t1, room=room, number=held.number)
        assert [p.number for p in selectors.history(room, p2, rules.MEMBER)] == [1, 2]
        # The release is a change after version 2: a reconnecting client gets it.
        assert [(p.number, p.version) for p in selectors.changes_after(room, p2, "member", 2)] == [
            (1, 3)
        ]
        with pytest.raises(services.ChatError):
            services.post_release(actor=p2, room=room, number=shown.number)


def test_a_deleted_post_reads_as_deleted_for_everyone_and_is_journalled(bordeaux: World):
    room = a1_room(bordeaux)
    teacher_here(bordeaux, room)
    post = write(bordeaux, "p1", room, "Un message de trop")
    with schema_context("bordeaux"):
        t1, p2 = actor_for(bordeaux["t1"]), actor_for(bordeaux["p2"])
        with pytest.raises(services.ChatError, match="enseignant"):
            services.post_delete(actor=p2, room=room, number=post.number)
        services.post_delete(actor=t1, room=room, number=post.number)
        (seen,) = selectors.history(room, p2, rules.MEMBER)
        view = selectors.post_view(seen)
        assert view["state"] == PostState.DELETED and view["body"] == selectors.DELETED
        assert "Un message de trop" not in str(view)
        assert AuditEvent.objects.filter(action="chat.deleted").count() == 1


def test_a_muted_pupil_writes_no_more_in_this_session(bordeaux: World):
    room = a1_room(bordeaux)
    teacher_here(bordeaux, room)
    write(bordeaux, "p1", room, "Coucou")
    with schema_context("bordeaux"):
        t1 = actor_for(bordeaux["t1"])
        with pytest.raises(services.ChatError, match="élève"):
            services.pupil_mute(actor=t1, room=room, user_id=bordeaux["p2"].pk)  # never wrote
        services.pupil_mute(actor=t1, room=room, user_id=bordeaux["p1"].pk)
    with pytest.raises(services.ChatError, match=rules.MUTED):
        write(bordeaux, "p1", room, "Et maintenant ?")
    write(bordeaux, "p2", room, "Moi je peux")


def test_a_report_reaches_the_direction_and_the_commune_who_delete_it(bordeaux: World):
    room = a1_room(bordeaux)
    teacher_here(bordeaux, room)
    post = write(bordeaux, "p1", room, "Un message bizarre")
    with schema_context("bordeaux"):
        p2, director = actor_for(bordeaux["p2"]), actor_for(bordeaux["dA"])
        report = services.post_report(actor=p2, room=room, number=post.number, reason="méchant")
        again = services.post_report(actor=p2, room=room, number=post.number)
        assert again.pk == report.pk
        told = set(
            Notification.objects.filter(kind="chat_report").values_list("recipient_id", flat=True)
        )
        assert told == {bordeaux["dA"].pk, bordeaux["adm"].pk}
        assert [r.pk for r in selectors.open_reports(director)] == [report.pk]
        assert list(selectors.open_reports(actor_for(bordeaux["dB"]))) == []
        with pytest.raises(services.ChatError):
            services.report_handle(
                actor=actor_for(bordeaux["dB"]), report=report, decision="deleted"
            )
        services.report_handle(actor=director, report=report, decision="deleted")
        assert Post.objects.get(pk=post.pk).state == PostState.DELETED
        assert Report.objects.get(pk=report.pk).state == "deleted"
        assert AuditEvent.objects.filter(action="chat.report_deleted").count() == 1


def test_versions_increase_with_every_change_and_a_catch_up_follows_them(bordeaux: World):
    room = a1_room(bordeaux)
    teacher_here(bordeaux, room)
    first, second = write(bordeaux, "p1", room, "un"), write(bordeaux, "p2", room, "deux")
    with schema_context("bordeaux"):
        t1 = actor_for(bordeaux["t1"])
        services.post_delete(actor=t1, room=room, number=first.number)
        third = services.post_write(actor=t1, room=room, body="trois")
        changes = selectors.changes_after(room, t1, rules.MODERATOR, 0)
        # A post's number is the version it was written at: the third post is number 4.
        assert [(p.number, p.version) for p in changes] == [(2, 2), (1, 3), (4, 4)]
        assert selectors.room_version(room) == 4
        assert [p.number for p in selectors.changes_after(room, t1, rules.MODERATOR, 3)] == [4]
        assert second.number == 2 and (third.number, third.version) == (4, 4)


def test_a_weekly_slot_opens_the_room_and_a_teacher_closing_it_ends_the_slot(bordeaux: World):
    room = a1_room(bordeaux, open_all_day=False)
    monday_10 = datetime.datetime(2026, 3, 16, 10, 5, tzinfo=PARIS)
    with schema_context("bordeaux"):
        t1 = actor_for(bordeaux["t1"])
        services.slot_add(
            actor=t1, room=room, weekday=0, starts=datetime.time(10), ends=datetime.time(10, 30)
        )
        with pytest.raises(services.ChatError, match="chevauche"):
            services.slot_add(
                actor=t1, room=room, weekday=0, starts=datetime.time(10, 15), ends=datetime.time(11)
            )
        with pytest.raises(services.ChatError, match="après"):
            services.slot_add(
                actor=t1, room=room, weekday=1, starts=datetime.time(11), ends=datetime.time(10)
            )
        slots = list(room.slots.all())
    assert rules.session_start(room, slots, monday_10) == monday_10.replace(minute=0)
    assert rules.session_start(room, slots, monday_10.replace(hour=11)) is None
    room.closed_at = monday_10
    assert rules.session_start(room, slots, monday_10.replace(minute=20)) is None
    # A room opened "now" stays open that day only.
    room.opened_at = monday_10 + datetime.timedelta(hours=2)
    assert rules.session_start(room, [], monday_10.replace(hour=15)) == room.opened_at
    assert rules.session_start(room, [], monday_10 + datetime.timedelta(days=1)) is None


@pytest.mark.parametrize(
    "text",
    [
        "CRÈVE",
        "t'es un c0nnard",
        "tue-toi",
        "Ferme ta gueule !",
        "je veux mourir",
        "espèce de gogol",
    ],
)
def test_the_word_list_catches_folded_forms(text: str):
    assert flagged_words(text)


@pytest.mark.parametrize("text", ["Le concours de dessin", "On se retrouve à la récré", "Bravo !"])
def test_the_word_list_leaves_ordinary_words_alone(text: str):
    assert flagged_words(text) == []


def test_a_connection_may_send_a_burst_then_waits_for_its_rate(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr("apps.live.consumers.time.monotonic", lambda: now[0])
    bucket = RateBucket(20, 10.0)
    assert all(bucket.take() for _ in range(20))
    assert not bucket.take()
    now[0] += 0.5  # one message per half second comes back
    assert bucket.take() and not bucket.take()


def test_posts_older_than_a_year_are_purged_with_their_reports(bordeaux: World):
    from apps.privacy.retention import retention_enforce

    room = a1_room(bordeaux)
    teacher_here(bordeaux, room)
    old, recent = (
        write(bordeaux, "p1", room, "Il y a longtemps"),
        write(bordeaux, "p1", room, "Hier"),
    )
    with schema_context("bordeaux"):
        services.post_report(actor=actor_for(bordeaux["p2"]), room=room, number=old.number)
        now = timezone.now()
        Post.objects.filter(pk=old.pk).update(created_at=now - datetime.timedelta(days=400))
        Presence.objects.update(seen_at=now - datetime.timedelta(hours=1))  # gone, unsaid
        assert retention_enforce(now=now)["salons"] == 1
        assert list(Post.objects.values_list("pk", flat=True)) == [recent.pk]
        assert not Report.objects.exists() and not Presence.objects.exists()
