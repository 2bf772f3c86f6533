"""The notification feed and the liaison API list a page at a time: every row once, in a
stable order, at the same cost on every page."""

from __future__ import annotations

import re

from django.utils import timezone
from django_tenants.utils import schema_context

from apps.homework.notifications import HOMEWORK
from apps.liaison.models import LiaisonNote
from apps.notifications.models import Notification
from tests.helpers import count_queries
from tests.liaison.conftest import class_note

TOTAL = 45  # 20 + 20 + 5


def plant_many(world, name: str, count: int) -> list[int]:
    """``count`` notifications created at the very same instant: only the id orders them."""
    with schema_context(world.schema):
        rows = Notification.objects.bulk_create(
            Notification(recipient=world[name], kind=HOMEWORK, title=f"N{n:02d}", url="/")
            for n in range(count)
        )
        Notification.objects.filter(pk__in=[r.pk for r in rows]).update(created_at=timezone.now())
    return [row.pk for row in rows]


def titles(html: str) -> list[str]:
    return re.findall(r'<button type="submit" class="link">(N\d\d)</button>', html)


def test_the_feed_shows_45_notifications_on_3_pages_each_once(bordeaux, as_user):
    plant_many(bordeaux, "par1", TOTAL)
    plant_many(bordeaux, "par3", 3)
    client = as_user(bordeaux, "par1")

    pages = [client.get("/notifications/", {"page": n}).content.decode() for n in (1, 2, 3)]

    seen = [title for page in pages for title in titles(page)]
    assert [len(titles(page)) for page in pages] == [20, 20, 5]
    assert sorted(seen) == [f"N{n:02d}" for n in range(TOTAL)]  # none missing, none twice
    assert seen == sorted(seen, reverse=True)  # newest (highest id) first, across pages


def test_the_feed_pager_is_french_and_marks_the_current_page(bordeaux, as_user):
    plant_many(bordeaux, "par1", TOTAL)
    client = as_user(bordeaux, "par1")

    second = client.get("/notifications/", {"page": 2}).content.decode()

    assert '<nav class="pager" aria-label="Pages des notifications">' in second
    assert "Page 2 sur 3" in second
    assert (
        '<a href="?page=2" aria-current="page"><span class="visually-hidden">Page </span>2</a>'
        in second
    )
    assert '<a href="?page=1" rel="prev">' in second and '<a href="?page=3" rel="next">' in second
    assert second.count('aria-current="page"') == 1
    # A malformed number shows the first page, one past the end the last.
    assert titles(client.get("/notifications/", {"page": "x"}).content.decode())[0] == "N44"
    assert titles(client.get("/notifications/", {"page": 9}).content.decode())[-1] == "N00"


def test_a_short_feed_has_no_pager(bordeaux, as_user):
    plant_many(bordeaux, "par1", 3)

    page = as_user(bordeaux, "par1").get("/notifications/").content.decode()

    assert len(titles(page)) == 3 and "Pages des notifications" not in page


def _count_queries(client, url: str, params: dict) -> tuple[int, object]:
    client.get(url, params)  # warm: routing cache and session state
    with count_queries() as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured), response


def test_every_feed_page_costs_the_same(bordeaux, as_user):
    plant_many(bordeaux, "par1", TOTAL)
    client = as_user(bordeaux, "par1")

    counts = [_count_queries(client, "/notifications/", {"page": n})[0] for n in (1, 2, 3)]

    assert counts[0] == counts[1] == counts[2]


def _notes(world, count: int) -> list[int]:
    notes = [class_note(world, title=f"Mot {n:02d}") for n in range(count)]
    with schema_context(world.schema):
        # The same instant for all: only the id orders them.
        LiaisonNote.objects.filter(pk__in=[n.pk for n in notes]).update(
            published_at=timezone.now(), created_at=timezone.now()
        )
    return [note.pk for note in notes]


def _follow(client, url: str) -> list[dict]:
    """Every page of a paginated list, following ``next``."""
    bodies = []
    while url:
        body = client.get(url).json()
        bodies.append(body)
        url = body["next"]
    return bodies


def test_the_liaison_api_pages_45_notes_for_the_teacher_and_the_parent(bordeaux, as_user):
    ids = _notes(bordeaux, TOTAL)
    a1 = bordeaux.classes["A1"].pk

    for who, query in (("t1", f"classroom={a1}"), ("par1", f"child={bordeaux['p1'].pk}")):
        pages = _follow(as_user(bordeaux, who), f"/api/v1/liaison/notes/?{query}")

        assert [len(page["results"]) for page in pages] == [20, 20, 5], who
        assert {page["count"] for page in pages} == {TOTAL}
        assert pages[0]["previous"] is None and pages[-1]["next"] is None
        listed = [note["id"] for page in pages for note in page["results"]]
        assert listed == sorted(ids, reverse=True), who  # each once, newest first


def test_the_liaison_api_page_size_is_bounded(bordeaux, as_user):
    _notes(bordeaux, 3)
    client = as_user(bordeaux, "t1")

    two = client.get("/api/v1/liaison/notes/", {"page_size": 2}).json()
    many = client.get("/api/v1/liaison/notes/", {"page_size": 10_000}).json()

    assert len(two["results"]) == 2 and "page_size=2" in two["next"]
    assert len(many["results"]) == 3 and many["next"] is None
    assert client.get("/api/v1/liaison/notes/", {"page": 99}).status_code == 404


def test_every_liaison_api_page_costs_the_same(bordeaux, as_user):
    _notes(bordeaux, TOTAL)
    client = as_user(bordeaux, "par1")
    url = "/api/v1/liaison/notes/"

    counts = [
        _count_queries(client, url, {"child": bordeaux["p1"].pk, "page": n})[0] for n in (1, 2, 3)
    ]

    assert counts[0] == counts[1] == counts[2]


def test_the_schema_documents_the_paginated_liaison_list(bordeaux, as_user):
    schema = as_user(bordeaux, "t1").get("/api/schema/?format=json").json()

    listing = schema["paths"]["/api/v1/liaison/notes/"]["get"]
    envelope = listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert envelope == "#/components/schemas/PaginatedLiaisonNoteList"
    component = schema["components"]["schemas"]["PaginatedLiaisonNoteList"]
    assert {"count", "next", "previous", "results"} <= set(component["properties"])
    assert {"page", "page_size"} <= {parameter["name"] for parameter in listing["parameters"]}
    creation = schema["paths"]["/api/v1/liaison/notes/"]["post"]["responses"]["201"]
    assert creation["content"]["application/json"]["schema"]["$ref"].endswith("/LiaisonNote")
