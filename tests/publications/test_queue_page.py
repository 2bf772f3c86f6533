"""The moderators' page: reached from the menu of those who moderate, one form per item that
decides without JavaScript, closed to everyone else."""

from __future__ import annotations

import html

from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.publications import services
from apps.publications.models import Publication, State
from tests.publications.wall import a1, written
from tests.world import World


def test_the_teacher_decides_from_the_queue_reached_from_the_menu(bordeaux: World, as_user, wall):
    with schema_context("bordeaux"):
        post = written(bordeaux, wall, "p1", "Notre potager", a1(bordeaux))
        services.circuit_submit(actor=actor_for(bordeaux["p1"]), publication=post)
    teacher = as_user(bordeaux, "t1")
    home = html.unescape(teacher.get("/").content.decode())
    assert 'href="/a-valider/"' in home and "1 publication à valider" in home
    shown = html.unescape(teacher.get("/a-valider/").content.decode())
    assert "Notre potager" in shown and "Mur de la classe" in shown
    assert "par Paul Un, en attente depuis moins d'une minute" in shown.replace("<strong>", "")
    # A refusal without a reason is refused with one sentence, and changes nothing.
    answer = teacher.post(
        "/a-valider/", {"publication": post.pk, "decision": "refuse", "note": ""}, follow=True
    )
    assert "Dites à l'auteur" in html.unescape(answer.content.decode())
    with schema_context("bordeaux"):
        assert Publication.objects.get(pk=post.pk).state == State.SUBMITTED
    answer = teacher.post(
        "/a-valider/", {"publication": post.pk, "decision": "publish"}, follow=True
    )
    page = html.unescape(answer.content.decode())
    assert "Publié." in page and "Rien n'attend votre décision." in page
    with schema_context("bordeaux"):
        assert Publication.objects.get(pk=post.pk).state == State.PUBLISHED


def test_the_queue_is_closed_to_those_who_moderate_nothing_and_to_others_items(
    bordeaux: World, as_user, wall
):
    for name in ("p1", "par1"):
        assert as_user(bordeaux, name).get("/a-valider/").status_code == 404, name
    with schema_context("bordeaux"):
        post = written(bordeaux, wall, "p1", "Secret", a1(bordeaux))
        services.circuit_submit(actor=actor_for(bordeaux["p1"]), publication=post)
    other = as_user(bordeaux, "t2")
    assert "Secret" not in other.get("/a-valider/").content.decode()
    other.post("/a-valider/", {"publication": post.pk, "decision": "publish"})
    with schema_context("bordeaux"):
        assert Publication.objects.get(pk=post.pk).state == State.SUBMITTED
