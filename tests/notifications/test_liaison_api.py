"""``/api/v1/liaison/``: the same rules as the pages; forbidden answers 404 like missing, and
changes nothing (tests/world.py: t1 teaches A1 with p1 (par1's child) and p2; t2 teaches A2
with p3 (par3's child))."""

from __future__ import annotations

from django_tenants.utils import schema_context

from apps.liaison.models import Acknowledgement, LiaisonNote, Reply
from tests.liaison.conftest import class_note

MISSING_ID = 987654


def test_the_teacher_creates_a_note_for_their_class(bordeaux, as_user):
    response = as_user(bordeaux, "t1").post(
        "/api/v1/liaison/notes/",
        {
            "audience": "class",
            "classroom": bordeaux.classes["A1"].pk,
            "title": "Piscine",
            "text": "Mardi.",
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response.json()["title"] == "Piscine"
    with schema_context("bordeaux"):
        assert LiaisonNote.objects.get().recipients.count() == 2


def test_a_teacher_cannot_write_to_another_class_nor_a_parent_at_all(bordeaux, as_user):
    payload = {"audience": "class", "title": "Intrus", "text": "Non."}
    for name, classroom in (("t2", "A1"), ("par1", "A1"), ("t1", "B1")):
        response = as_user(bordeaux, name).post(
            "/api/v1/liaison/notes/",
            {**payload, "classroom": bordeaux.classes[classroom].pk},
            content_type="application/json",
        )
        assert response.status_code == 404, name
    with schema_context("bordeaux"):
        assert LiaisonNote.objects.count() == 0


def test_lists_by_class_and_by_child_follow_the_rules(bordeaux, as_user):
    note = class_note(bordeaux)
    a1 = bordeaux.classes["A1"].pk

    by_class = as_user(bordeaux, "t1").get(f"/api/v1/liaison/notes/?classroom={a1}")
    by_child = as_user(bordeaux, "par1").get(f"/api/v1/liaison/notes/?child={bordeaux['p1'].pk}")

    assert [n["id"] for n in by_class.json()["results"]] == [note.pk]
    assert by_class.json()["results"][0]["recipient_count"] == 2
    assert [n["id"] for n in by_child.json()["results"]] == [note.pk]
    assert by_child.json()["results"][0]["confirmed_at"] is None
    assert as_user(bordeaux, "t2").get(f"/api/v1/liaison/notes/?classroom={a1}").status_code == 404
    other_child = as_user(bordeaux, "par3").get(f"/api/v1/liaison/notes/?child={bordeaux['p1'].pk}")
    assert other_child.status_code == 404
    assert as_user(bordeaux, "par3").get(
        f"/api/v1/liaison/notes/?child={bordeaux['p3'].pk}"
    ).json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_a_parent_confirms_for_their_child(bordeaux, as_user):
    note = class_note(bordeaux)

    response = as_user(bordeaux, "par1").post(
        f"/api/v1/liaison/notes/{note.pk}/confirm/",
        {"child": bordeaux["p1"].pk},
        content_type="application/json",
    )

    assert response.status_code == 200 and response.json()["child"] == bordeaux["p1"].pk
    with schema_context("bordeaux"):
        assert Acknowledgement.objects.get().guardian == bordeaux["par1"]


def test_a_parent_cannot_confirm_for_a_child_not_theirs(bordeaux, as_user):
    note = class_note(bordeaux)
    client = as_user(bordeaux, "par1")
    url = f"/api/v1/liaison/notes/{note.pk}/confirm/"

    not_theirs = client.post(url, {"child": bordeaux["p2"].pk}, content_type="application/json")
    stranger = as_user(bordeaux, "par3").post(
        url, {"child": bordeaux["p3"].pk}, content_type="application/json"
    )
    missing = client.post(
        f"/api/v1/liaison/notes/{MISSING_ID}/confirm/",
        {"child": bordeaux["p1"].pk},
        content_type="application/json",
    )

    assert (not_theirs.status_code, stranger.status_code, missing.status_code) == (404, 404, 404)
    with schema_context("bordeaux"):
        assert Acknowledgement.objects.count() == 0


def test_a_parent_replies_once_and_a_stranger_not_at_all(bordeaux, as_user):
    note = class_note(bordeaux)
    url = f"/api/v1/liaison/notes/{note.pk}/reply/"

    first = as_user(bordeaux, "par1").post(url, {"text": "Merci."}, content_type="application/json")
    again = as_user(bordeaux, "par1").post(url, {"text": "Encore"}, content_type="application/json")
    stranger = as_user(bordeaux, "par3").post(url, {"text": "?"}, content_type="application/json")

    assert (first.status_code, again.status_code, stranger.status_code) == (201, 404, 404)
    with schema_context("bordeaux"):
        assert list(Reply.objects.values_list("text", flat=True)) == ["Merci."]


def test_nothing_of_another_commune(bordeaux, pessac, as_user):
    note = class_note(bordeaux)
    client = as_user(pessac, "ppar")

    listing = client.get(f"/api/v1/liaison/notes/?child={bordeaux['p1'].pk}")
    confirm = client.post(
        f"/api/v1/liaison/notes/{note.pk}/confirm/",
        {"child": bordeaux["p1"].pk},
        content_type="application/json",
    )
    as_teacher = as_user(pessac, "pt").get(
        f"/api/v1/liaison/notes/?classroom={bordeaux.classes['A1'].pk}"
    )

    assert (listing.status_code, confirm.status_code, as_teacher.status_code) == (404, 404, 404)
    with schema_context("bordeaux"):
        assert Acknowledgement.objects.count() == 0


def test_the_liaison_operations_are_in_the_openapi_schema(bordeaux, as_user):
    schema = as_user(bordeaux, "t1").get("/api/schema/?format=json").json()

    operations = {
        operation["operationId"]
        for path in schema["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    assert {
        "liaison_notes_list",
        "liaison_notes_create",
        "liaison_notes_confirm",
        "liaison_notes_reply",
    } <= operations
