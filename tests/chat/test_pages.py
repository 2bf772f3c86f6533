"""The rooms' pages: reached from the menu, usable without JavaScript (a form posts), closed to
those who are not in the room, and saying until when quiet hours close it."""

from __future__ import annotations

import datetime
import html

from django_tenants.utils import schema_context

from apps.chat import rules
from apps.chat.models import Post
from apps.quiethours.schedule import PARIS
from tests.chat.test_rooms import a1_room, teacher_here
from tests.world import World


def page(client, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200, path
    return html.unescape(answer.content.decode())


def test_the_teacher_reaches_the_rooms_from_the_menu_and_writes_without_javascript(
    bordeaux: World, as_user
):
    client = as_user(bordeaux, "t1")
    assert 'href="/salons/"' in page(client, "/")
    listing = page(client, "/salons/")
    assert "Salon de la classe CP A1" in listing and "Salle des maîtres" in listing
    room = a1_room(bordeaux)
    assert "Ouvert" in page(client, "/salons/")
    answer = client.post(f"/salons/{room.pk}/", {"action": "ecrire", "body": "Bonjour la classe"})
    assert answer.status_code == 302
    shown = page(client, f"/salons/{room.pk}/")
    assert "Bonjour la classe" in shown and 'data-room-socket="/ws/salons/' in shown
    assert "Fermer le salon" in shown and "Horaires d'ouverture" in shown
    with schema_context("bordeaux"):
        assert Post.objects.filter(room=room).count() == 1


def test_a_pupil_reads_why_they_cannot_write_and_a_refused_post_changes_nothing(
    bordeaux: World, as_user
):
    room = a1_room(bordeaux)
    client = as_user(bordeaux, "p1")
    shown = page(client, f"/salons/{room.pk}/")
    assert rules.NO_TEACHER in shown and "Ton message" in shown
    answer = client.post(f"/salons/{room.pk}/", {"action": "ecrire", "body": "Coucou"}, follow=True)
    assert rules.NO_TEACHER in html.unescape(answer.content.decode())
    with schema_context("bordeaux"):
        assert not Post.objects.exists()
    teacher_here(bordeaux, room)
    client.post(f"/salons/{room.pk}/", {"action": "ecrire", "body": "Coucou"})
    with schema_context("bordeaux"):
        assert Post.objects.get().body == "Coucou"


def test_a_room_is_not_found_by_those_who_are_not_in_it(bordeaux: World, as_user):
    room = a1_room(bordeaux)
    for name in ("p3", "par1", "t2", "adm"):
        assert as_user(bordeaux, name).get(f"/salons/{room.pk}/").status_code == 404, name
    assert (
        as_user(bordeaux, "p3")
        .post(f"/salons/{room.pk}/", {"action": "ecrire", "body": "x"})
        .status_code
        == 404
    )
    assert as_user(bordeaux, "p1").get(f"/salons/{room.pk}/horaires/").status_code == 404


def test_the_referents_see_the_rooms_reports(bordeaux: World, as_user):
    assert "Aucun signalement" in page(as_user(bordeaux, "dA"), "/salons/signalements/")
    assert "Aucun signalement" in page(as_user(bordeaux, "adm"), "/salons/signalements/")
    assert as_user(bordeaux, "t1").get("/salons/signalements/").status_code == 404


def test_on_a_friday_evening_the_pupils_page_says_until_when_the_room_is_closed(
    bordeaux: World, as_user, quiet_hours
):
    room = a1_room(bordeaux)
    quiet_hours.append(datetime.datetime(2026, 3, 13, 21, 0, tzinfo=PARIS))
    until = "il rouvre lundi 16 mars à 7 h 00"
    pupil = as_user(bordeaux, "p1")
    # Their one room opens from the tile.
    assert pupil.get("/salons/")["Location"] == f"/salons/{room.pk}/"
    shown = page(pupil, f"/salons/{room.pk}/")
    assert until in shown and 'id="chat-form"' not in shown
    # The teacher keeps the room (quiet hours close it to pupils and parents).
    assert until not in page(as_user(bordeaux, "t1"), f"/salons/{room.pk}/")


def test_a_pupil_reports_a_classmates_post_from_its_link_and_the_direction_receives_it(
    bordeaux: World, as_user
):
    from apps.chat.models import Report

    room = a1_room(bordeaux)
    teacher_here(bordeaux, room)
    as_user(bordeaux, "p1").post(f"/salons/{room.pk}/", {"action": "ecrire", "body": "Bouh !"})
    with schema_context("bordeaux"):
        number = Post.objects.get().number
    reporter = as_user(bordeaux, "p2")
    link = f"/salons/{room.pk}/signaler/{number}/"
    assert f'href="{link}"' in page(reporter, f"/salons/{room.pk}/")
    form = page(reporter, link)
    assert "Bouh !" in form and "Signaler à la direction" in form
    # Not one's own post, nor another class's pupil, nor a post the class does not see.
    assert as_user(bordeaux, "p1").get(link).status_code == 404
    assert as_user(bordeaux, "p3").get(link).status_code == 404
    assert reporter.get(f"/salons/{room.pk}/signaler/{number + 1}/").status_code == 404
    with schema_context("bordeaux"):
        assert not Report.objects.exists()
    done = reporter.post(link, {"reason": "Il me fait peur"}, follow=True)
    shown = html.unescape(done.content.decode())
    assert "le message est signalé à la direction" in shown
    with schema_context("bordeaux"):
        assert Report.objects.get().reason == "Il me fait peur"
    assert "Bouh !" in page(as_user(bordeaux, "dA"), "/salons/signalements/")
