"""The forum's pages are reached from the home page by each role that has them, and answer in
French (the walk of ``tests.journeys.crawl``, as ``tests/journeys/test_crawl.py`` does for the
demo, here over a forum with subjects, replies, a message sent back and a report, which the
demo does not seed)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.forum.services import message_add, report_create, subject_create
from apps.publications.models import State
from tests.forum.helpers import first_category, message_in, school_forum, subject_in
from tests.journeys.crawl import crawl
from tests.world import World

EVERY_MEMBER = (
    "forums/",
    "forums/<int:forum_id>/",
    "forums/<int:forum_id>/nouveau-sujet/",
    "forums/sujets/<int:subject_id>/",
    "forums/sujets/<int:subject_id>/signaler/",
    "forums/messages/<int:message_id>/signaler/",
)
AUTHOR = (
    "forums/messages/<int:message_id>/modifier/",
    "forums/messages/<int:message_id>/supprimer/",
)
MODERATOR = (
    "forums/<int:forum_id>/categories/",
    "forums/signalements/",
    "forums/sujets/<int:subject_id>/modifier/",
    "forums/sujets/<int:subject_id>/supprimer/",
    *AUTHOR,
)
ROUTES = {
    "p1": (*EVERY_MEMBER, *AUTHOR),
    "t1": (*EVERY_MEMBER, *MODERATOR),
    "dA": (*EVERY_MEMBER, *MODERATOR),
    # A2's teacher moderates A2's forum (empty) and opened the school's subject: nothing of
    # A1's, no « Signaler » on their own subject, only on the message under it.
    "t2": (
        *(route for route in EVERY_MEMBER if route != "forums/sujets/<int:subject_id>/signaler/"),
        "forums/<int:forum_id>/categories/",
        "forums/signalements/",
    ),
}
NONE_OF_THEM = {"par1": (), "adm": ()}


def _forums(world: World) -> None:
    with schema_context("bordeaux"):
        subject = subject_in(world, State.PUBLISHED, author="p2", title="Nos lapins")
        message_in(world, subject, State.PUBLISHED, author="p2", body="Ils mangent.")
        message_in(world, subject, State.DRAFT, author="p1", body="Et boivent.")
        message_add(actor=actor_for(world["t1"]), subject=subject, body="Bravo.")
        report_create(actor=actor_for(world["p1"]), subject=subject, message=None, reason="")
        forum = school_forum(world)
        opened = subject_create(
            actor=actor_for(world["t2"]),
            forum=forum,
            category=first_category(forum),
            title="La kermesse",
            body="Qui tient le stand ?",
        )
        message_add(actor=actor_for(world["t1"]), subject=opened, body="Moi.")
        report_create(actor=actor_for(world["p3"]), subject=opened, message=None, reason="")


@pytest.mark.parametrize("who", [*ROUTES, *NONE_OF_THEM])
def test_each_role_reaches_the_forum_pages_it_has(bordeaux: World, as_user, who: str):
    _forums(bordeaux)
    client = as_user(bordeaux, who)
    with schema_context("bordeaux"):
        # From the home page, following only the forums' links: the rest of the walk is the
        # demo crawl's (tests/journeys/test_crawl.py).
        result = crawl(
            client,
            host=f"bordeaux.{settings.ENT_BASE_DOMAIN}",
            urlconf="config.urls_tenants",
            within="/forums/",
        )
    assert not result.problems, "\n".join(result.problems)
    reached = {visit.route for visit in result.html_pages() if visit.route.startswith("forums/")}
    assert reached == set(ROUTES.get(who, ())), (who, reached ^ set(ROUTES.get(who, ())))
    if who in ROUTES:
        assert result.depth_of_route("forums/") == 1
        assert result.depth_of_route("forums/<int:forum_id>/") == 2
