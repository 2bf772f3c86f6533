"""Attachments listed by the notebooks' APIs, each with its download URL; the lists cost the
same whatever the number of items and files."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from apps.attachments.models import Attachment
from apps.attachments.services import attachments_change
from tests.attachments import files
from tests.attachments.test_services import stored_files
from tests.helpers import count_queries
from tests.homework.conftest import MONDAY, entry
from tests.liaison.conftest import class_note


def join(world, author: str, **item) -> list:
    with schema_context(world.schema):
        return attachments_change(
            user=world[author],
            add=[files.upload("Fiche.pdf", files.PDF), files.upload("Photo.png", files.png())],
            **item,
        )


def rows_of(response) -> list[dict]:
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


def test_the_homework_api_lists_each_entrys_attachments(bordeaux, as_user, media):
    math = entry(bordeaux)
    fiche, photo = join(bordeaux, "t1", publication=math.publication)

    response = as_user(bordeaux, "par1").get(
        "/api/v1/homework/", {"child": bordeaux["p1"].pk, "week": MONDAY.isoformat()}
    )

    assert response.status_code == 200
    [row] = rows_of(response)
    assert row["attachments"] == [
        {
            "id": fiche.pk,
            "name": "Fiche.pdf",
            "content_type": "application/pdf",
            "size": len(files.PDF),
            "sha256": fiche.sha256,
            "url": f"http://bordeaux.ent.localhost/pieces-jointes/{fiche.pk}/",
        },
        {
            "id": photo.pk,
            "name": "Photo.png",
            "content_type": "image/png",
            "size": photo.size,
            "sha256": photo.sha256,
            "url": f"http://bordeaux.ent.localhost/pieces-jointes/{photo.pk}/",
        },
    ]
    assert as_user(bordeaux, "par1").get(row["attachments"][0]["url"]).status_code == 200


@pytest.mark.parametrize("who", ["par1", "t1"])
def test_the_liaison_api_lists_each_notes_attachments(bordeaux, as_user, media, who):
    note = class_note(bordeaux)
    fiche, _photo = join(bordeaux, "t1", publication=note.publication)
    query = {"child": bordeaux["p1"].pk} if who == "par1" else {}

    response = as_user(bordeaux, who).get("/api/v1/liaison/notes/", query)

    assert response.status_code == 200
    [row] = rows_of(response)
    assert [a["name"] for a in row["attachments"]] == ["Fiche.pdf", "Photo.png"]
    assert row["attachments"][0]["url"].endswith(f"/pieces-jointes/{fiche.pk}/")


def add_notes_with_files(world, count: int) -> None:
    for _ in range(count):
        join(world, "t1", publication=class_note(world).publication)


@pytest.mark.parametrize("who", ["par1", "t1"])
def test_the_liaison_list_costs_the_same_with_one_note_or_ten(bordeaux, as_user, media, who):
    query = {"child": bordeaux["p1"].pk} if who == "par1" else {}
    client = as_user(bordeaux, who)
    counts = []
    for added in (1, 9):
        add_notes_with_files(bordeaux, added)
        client.get("/api/v1/liaison/notes/", query)  # warm: routing and token caches
        with count_queries() as captured:
            rows = rows_of(client.get("/api/v1/liaison/notes/", query))
        assert sum(len(row["attachments"]) for row in rows) == 2 * len(rows)
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_family_page_costs_the_same_with_one_note_or_ten(bordeaux, as_user, media):
    client = as_user(bordeaux, "par1")
    url = f"/liaison/enfants/{bordeaux['p1'].pk}/"
    counts = []
    for added, total in ((1, 1), (9, 10)):
        add_notes_with_files(bordeaux, added)
        client.get(url)  # marks the new notes read: the visit measured writes nothing
        with count_queries() as captured:
            page = client.get(url).content.decode()
        assert page.count('href="/pieces-jointes/') == 2 * total
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_teacher_joins_and_removes_files_through_the_api(
    bordeaux, as_user, media, django_capture_on_commit_callbacks
):
    math = entry(bordeaux)
    client = as_user(bordeaux, "t1")

    response = client.post(
        "/api/v1/attachments/",
        {"homework_entry": math.pk, "files": [files.upload("Fiche.pdf", files.PDF)]},
    )

    assert response.status_code == 201
    [created] = response.json()
    assert created["name"] == "Fiche.pdf" and created["content_type"] == "application/pdf"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"/api/v1/attachments/{created['id']}/").status_code == 204
    with schema_context("bordeaux"):
        assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_a_refused_file_through_the_api_is_a_400_in_french(bordeaux, as_user, media):
    math = entry(bordeaux)

    response = as_user(bordeaux, "t1").post(
        "/api/v1/attachments/",
        {"homework_entry": math.pk, "files": [files.upload("x.pdf", files.HTML)]},
    )

    assert response.status_code == 400
    assert response.json()["detail"].startswith("« x.pdf » n'est pas d'un type accepté.")
    assert stored_files(media) == []


@pytest.mark.parametrize("who", ["p1", "par1", "t2", "adm"])
def test_only_editors_join_or_remove_through_the_api(bordeaux, as_user, media, who):
    math = entry(bordeaux)
    note = class_note(bordeaux)
    [on_entry, *_] = join(bordeaux, "t1", publication=math.publication)
    client = as_user(bordeaux, who)

    for item in ({"homework_entry": math.pk}, {"liaison_note": note.pk}):
        response = client.post(
            "/api/v1/attachments/", {**item, "files": [files.upload("a.pdf", files.PDF)]}
        )
        assert response.status_code == 404
    assert client.delete(f"/api/v1/attachments/{on_entry.pk}/").status_code == 404
    with schema_context("bordeaux"):
        assert Attachment.objects.count() == 2
