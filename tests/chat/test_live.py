"""The rooms over real WebSockets: uvicorn processes on loopback, Redis as the channel layer,
clients of the ``websockets`` library presenting the commune's host and a session cookie."""

from __future__ import annotations

import re

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from apps.chat import rules
from tests.chat.conftest import LiveCommunes
from tests.livechat import Peer, Server, open_peer, peers

# The test database must exist (the communes are built by a module fixture; each test reads
# nothing itself): pytest-django sets it up only for the tests that ask for it.
pytestmark = pytest.mark.django_db


def room_path(live: LiveCommunes, slug: str = "salona", classroom: str = "A1") -> str:
    return f"/ws/salons/{live.room(slug, classroom).pk}/"


def join(server: Server, live: LiveCommunes, name: str, slug: str = "salona", **options) -> Peer:
    """In A1's room, resumed from now: what it receives next is what happens next."""
    peer = open_peer(server, slug, room_path(live, slug, **options), live.session(slug, name))
    peer.until("state")
    peer.send(type="resume", after=10**12)
    peer.until("caught_up")
    return peer


def refused(server: Server, slug: str, path: str, key: str = "", **options) -> int:
    with pytest.raises(InvalidStatus) as raised:
        open_peer(server, slug, path, key, **options)
    return raised.value.response.status_code


def test_a_session_is_refused_on_another_communes_host(server: Server, live: LiveCommunes):
    key = live.session("salona", "t1")
    assert refused(server, "salonb", "/ws/live/", key) == 403
    assert refused(server, "salonb", room_path(live, "salonb"), key) == 403
    # The same key on its own commune's host opens.
    peer = open_peer(server, "salona", "/ws/live/", key)
    peer.close()


def test_unknown_hosts_suspended_communes_strangers_and_other_origins_are_refused(
    server: Server, live: LiveCommunes
):
    key = live.session("salona", "t1")
    assert refused(server, "nulle-part", "/ws/live/", key) == 403
    assert refused(server, "salonz", "/ws/live/", key) == 403  # suspended
    assert refused(server, "salona", "/ws/live/") == 403  # no session
    assert refused(server, "salona", "/ws/live/", "n" * 32) == 403  # no such session
    assert refused(server, "salona", "/ws/live/", key, origin="http://evil.example") == 403
    assert refused(server, "salona", "/ws/inconnu/", key) == 403


def test_a_pupil_cannot_join_another_class_room_nor_a_parent_any(
    server: Server, live: LiveCommunes
):
    a2 = room_path(live, "salona", "A2")
    assert refused(server, "salona", a2, live.session("salona", "p1")) == 403
    assert refused(server, "salona", room_path(live), live.session("salona", "par1")) == 403
    assert refused(server, "salona", room_path(live), live.session("salona", "t2")) == 403


def test_a_pupil_writes_only_while_a_teacher_of_the_class_is_there(
    server: Server, live: LiveCommunes
):
    pupil = open_peer(server, "salona", room_path(live), live.session("salona", "p1"))
    with peers(pupil):
        state = pupil.until("state")
        assert (state["may_write"], state["reason"]) == (False, rules.NO_TEACHER)
        pupil.send(type="resume", after=10**12)
        pupil.until("caught_up")
        pupil.send(type="post", body="Bonjour ?")
        assert pupil.until("error")["message"] == rules.NO_TEACHER

        teacher = join(server, live, "t1")
        with peers(teacher):
            assert pupil.until("state")["may_write"] is True
            pupil.send(type="post", body="Bonjour maîtresse")
            mine = pupil.until("post")
            seen = teacher.until("post")
            assert mine["number"] == seen["number"] and "Bonjour maîtresse" in seen["html"]
        # The teacher left: read-only again.
        assert pupil.until("state")["reason"] == rules.NO_TEACHER


def test_two_communes_rooms_of_the_same_id_never_see_each_other(server: Server, live: LiveCommunes):
    assert live.room("salona").pk == live.room("salonb").pk
    a, b = join(server, live, "t1", "salona"), join(server, live, "t1", "salonb")
    with peers(a, b):
        a.send(type="post", body="Message de la commune A")
        assert "commune A" in a.until("post")["html"]
        b.send(type="post", body="Message de la commune B")
        # B's next post is its own: A's never reached it.
        assert "commune B" in b.until("post")["html"]
        assert not any("commune A" in m.get("html", "") for m in b.seen)


def test_two_servers_sharing_redis_deliver_a_post_once(
    server: Server, live: LiveCommunes, another_server
):
    second = another_server()
    teacher = join(server, live, "t1")
    pupil = join(second, live, "p2")
    with peers(teacher, pupil):
        teacher.send(type="post", body="Premier message")
        first = pupil.until("post")
        assert "Premier message" in first["html"]
        teacher.send(type="post", body="Deuxième message")
        following = pupil.until("post")
        # The next post the other server's client gets is the second one: the first came once.
        assert "Deuxième message" in following["html"]
        assert following["number"] > first["number"]


def test_a_client_cut_off_gets_exactly_what_it_missed_in_order(live: LiveCommunes, another_server):
    # 50 posts in a row from one client: above a connection's rate (tested on its own).
    server = another_server(env={"ENT_WS_MESSAGES_PER_10S": "500"})
    teacher = join(server, live, "t1")
    pupil = join(server, live, "p2")
    with peers(teacher):
        teacher.send(type="post", body="Avant la coupure")
        teacher.until("post")
        last = pupil.until("post")["id"]
        pupil.close()
        sent = []
        for n in range(50):
            teacher.send(type="post", body=f"Message {n}")
            sent.append(teacher.until("post")["number"])
        again = open_peer(server, "salona", room_path(live), live.session("salona", "p2"))
        with peers(again):
            again.until("state")
            again.send(type="resume", after=last)
            received = []
            while True:
                message = again.receive()
                if message["type"] == "caught_up":
                    break
                if message["type"] == "post":
                    received.append(message["number"])
            assert received == sent
            # Nothing comes twice afterwards: the next post is a new one.
            teacher.send(type="post", body="Après la reprise")
            assert "Après la reprise" in again.until("post")["html"]


def test_a_change_the_layer_dropped_comes_at_the_heartbeat_and_an_ended_session_closes(
    server: Server, live: LiveCommunes, django_db_blocker
):
    from apps.chat.models import Post
    from apps.chat.services import _next_version
    from config.sessions import SessionStore
    from tests.livechat import session_for

    world = live.worlds["salona"]
    with django_db_blocker.unblock():
        key = committed("salona", lambda: session_for("salona", world["p1"]))
    pupil = open_peer(server, "salona", room_path(live), key)
    with peers(pupil):
        pupil.until("state")
        pupil.send(type="resume", after=10**12)
        pupil.until("caught_up")
        room = live.room("salona")

        def stored_without_event() -> int:
            # What a dropped event leaves: the post is stored, no connection heard of it.
            from django.db import transaction

            with transaction.atomic():
                version = _next_version(room)
                Post.objects.create(
                    room=room,
                    author=world["t1"],
                    body="Jamais annoncé",
                    number=version,
                    version=version,
                )
            return version

        with django_db_blocker.unblock():
            version = committed("salona", stored_without_event)
        pupil.send(type="beat")
        found = pupil.until("post")
        assert (found["id"], "Jamais annoncé" in found["html"]) == (version, True)
        assert pupil.until("caught_up")["id"] == version

        with django_db_blocker.unblock():
            committed("salona", lambda: SessionStore(key).delete() or True)
        pupil.send(type="beat")
        with pytest.raises(ConnectionClosed) as closed:
            pupil.until("never")
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


def test_a_connected_pupil_hears_the_teacher_close_and_open_the_room(
    server: Server, live: LiveCommunes, django_db_blocker
):
    from apps.accounts.selectors import actor_for
    from apps.chat.models import Room
    from apps.chat.services import room_close, room_open

    world, room = live.worlds["salona"], live.room("salona")
    teacher = join(server, live, "t1")
    pupil = join(server, live, "p2")
    with peers(teacher, pupil):
        with django_db_blocker.unblock():
            committed("salona", lambda: room_close(actor=actor_for(world["t1"]), room=room) or 1)
        closed = pupil.until("state", open=False)
        assert (closed["may_write"], closed["reason"]) == (False, rules.CLOSED)
        try:
            with django_db_blocker.unblock():
                committed("salona", lambda: room_open(actor=actor_for(world["t1"]), room=room) or 1)
            assert pupil.until("state", open=True)["may_write"] is True
        finally:
            # Back to its slots alone: the other tests (a frozen Friday evening) read them.
            with django_db_blocker.unblock():
                committed(
                    "salona",
                    lambda: (
                        Room.objects.filter(pk=room.pk).update(
                            opened_at=None, opened_by=None, closed_at=None
                        )
                        or 1
                    ),
                )


def test_a_pupils_connection_on_a_friday_evening_finds_the_room_closed_until_monday(
    live: LiveCommunes, another_server
):
    evening = another_server(
        app="tests.chat.frozen_asgi:application",
        env={"ENT_TEST_FROZEN_NOW": "2026-03-13T21:00:00+01:00"},  # a Friday of school time
    )
    pupil = open_peer(evening, "salona", room_path(live), live.session("salona", "p1"))
    state = pupil.until("state")
    assert state["may_write"] is False and state["open"] is False
    assert "il rouvre lundi 16 mars à 7 h 00" in state["reason"]
    with pytest.raises(ConnectionClosed) as closed:
        pupil.receive()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4423
    # The teacher is not closed out by quiet hours.
    teacher = open_peer(evening, "salona", room_path(live), live.session("salona", "t1"))
    with peers(teacher):
        assert teacher.until("state")["open"] is True


@pytest.mark.browser
def test_in_three_browsers_the_teacher_opens_the_room_and_deletes_a_post_for_everyone(
    server: Server, live: LiveCommunes, tmp_path
):
    from playwright import sync_api

    from tests.browser.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, check_accessibility
    from tests.chat.conftest import PASSWORD

    shots = ARTIFACTS / "salons"
    shots.mkdir(parents=True, exist_ok=True)
    world = live.worlds["salona"]
    base = f"http://{server.host('salona')}"

    def log_in(browser, name: str, phone: bool = False):
        size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
        context = browser.new_context(locale="en-US", base_url=base, viewport=size)
        context.set_default_timeout(60_000)
        page = context.new_page()
        page.goto("/connexion/")
        page.get_by_label("Identifiant").fill(world[name].username)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(f"{base}/")
        menu = page.get_by_role("navigation", name="Menu principal")
        menu.get_by_role("link", name=re.compile("^Salon")).click()
        if name.startswith("t"):  # a teacher chooses among their rooms; a pupil has one
            page.locator("main").get_by_role("link", name=re.compile("Salon de la classe")).click()
        page.wait_for_url(re.compile(r"/salons/\d+/$"))
        return page

    def posts(page):
        return page.locator("#chat-posts")

    def shoot(page, label: str) -> None:
        page.screenshot(path=str(shots / f"{label}.png"), full_page=True)
        check_accessibility(page, label)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], f"{label} is wider than the screen"

    # Each wait returns as soon as its condition holds; this is only a loaded machine's bound.
    sync_api.expect.set_options(timeout=60_000)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            teacher = log_in(browser, "t1")
            # Closed by the teacher, then opened again: the buttons of the room's page.
            teacher.get_by_role("button", name="Fermer le salon").click()
            teacher.get_by_role("button", name="Ouvrir le salon maintenant").click()
            sync_api.expect(teacher.get_by_text("Le salon est ouvert.")).to_be_visible()
            shoot(teacher, "enseignant-salon")

            paul, pia = log_in(browser, "p1", phone=True), log_in(browser, "p2")
            for pupil in (paul, pia):
                sync_api.expect(pupil.locator("#chat-body")).to_be_enabled()
            paul.locator("#chat-body").fill("Bonjour la classe, c'est Paul")
            paul.get_by_role("button", name="Envoyer").click()
            for page in (teacher, paul, pia):
                sync_api.expect(
                    posts(page).get_by_text("Bonjour la classe, c'est Paul")
                ).to_be_visible()
            pia.locator("#chat-body").fill("Bonjour Paul, c'est Pia !")
            pia.locator("#chat-body").press("Enter")
            sync_api.expect(posts(paul).get_by_text("Bonjour Paul, c'est Pia !")).to_be_visible()
            shoot(paul, "eleve-telephone")

            teacher.get_by_role("button", name=re.compile("Supprimer le message de Paul")).click()
            for pupil in (paul, pia):
                gone = posts(pupil).get_by_text("Bonjour la classe, c'est Paul")
                sync_api.expect(gone).to_have_count(0)
                removed = posts(pupil).get_by_text("Message supprimé par l'enseignant.")
                sync_api.expect(removed).to_be_visible()
            assert posts(pia).get_by_text("Bonjour Paul, c'est Pia !").count() == 1
            shoot(pia, "eleve-apres-suppression")
        finally:
            browser.close()


def committed(schema: str, work):
    """Run ``work`` in a thread of its own: its own connection, in autocommit, so that the
    server process sees the rows and the services' after-commit pushes go out."""
    import threading

    from django.db import connection as thread_connection
    from django_tenants.utils import schema_context

    outcome: list[object] = []

    def run() -> None:
        try:
            with schema_context(schema):
                outcome.append(work())
        finally:
            thread_connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert outcome, "the work failed in its thread"
    return outcome[0]


def test_a_page_watching_the_badge_hears_a_new_message_and_never_what_it_may_not_see(
    server: Server, live: LiveCommunes, django_db_blocker
):
    from apps.accounts.selectors import actor_for
    from apps.messaging.models import Field
    from apps.messaging.services import Recipient, draft_save, message_send

    world = live.worlds["salona"]
    parent = open_peer(server, "salona", "/ws/live/", live.session("salona", "par1"))
    with peers(parent):
        # A note's follow-up is its author's: asked first, it is not sent; the badge is.
        parent.send(type="watch", topics=["liaison.status:1", "messaging.badge", "inconnu"])
        first = parent.receive()
        assert (first["type"], first["topic"]) == ("live", "messaging.badge")
        assert "non lu" not in first["html"]

        def send() -> int:
            teacher = actor_for(world["t1"])
            draft = draft_save(
                actor=teacher,
                subject="Sortie",
                body="Jeudi.",
                recipients=[Recipient(field=Field.TO, person_id=world["par1"].pk)],
            )
            return message_send(actor=teacher, draft=draft).message.pk

        with django_db_blocker.unblock():
            committed("salona", send)
        update = parent.until("live", topic="messaging.badge")
        assert "1</span>" in update["html"] and "message non lu" in update["html"]
