"""``/api/v1/homework/``: the same rules as the pages, in the OpenAPI schema."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from apps.homework.models import HomeworkEntry
from tests.homework.conftest import MONDAY, entry

URL = "/api/v1/homework/"


def test_a_pupil_lists_their_class_week(bordeaux, math, as_user):
    response = as_user(bordeaux, "p1").get(
        URL, {"classroom": bordeaux.classes["A1"].pk, "week": MONDAY.isoformat()}
    )

    assert response.status_code == 200
    [row] = response.json()
    assert row["id"] == math.pk and row["domain_label"] == "Mathématiques"
    assert row["due_on"] == "2026-10-06" and row["todo"] == "<p>Apprendre la table de 2.</p>"


def test_a_weekly_entry_is_listed_once_per_occurrence(bordeaux, as_user):
    entry(bordeaux, repeat="weekly", repeat_until=MONDAY.replace(day=26))

    rows = (
        as_user(bordeaux, "par1")
        .get(URL, {"child": bordeaux["p1"].pk, "week": "2026-10-14"})
        .json()
    )

    assert [(r["on"], r["due_on"]) for r in rows] == [("2026-10-12", "2026-10-13")]


def test_drafts_are_listed_only_for_editors(bordeaux, as_user):
    entry(bordeaux, publish=False)
    query = {"classroom": bordeaux.classes["A1"].pk, "week": MONDAY.isoformat()}

    assert len(as_user(bordeaux, "t1").get(URL, query).json()) == 1
    assert as_user(bordeaux, "p1").get(URL, query).json() == []


@pytest.mark.parametrize(
    ("who", "query"),
    [
        ("par1", {"classroom": "A2"}),
        ("par1", {"child": "p3"}),
        ("p1", {"child": "p2"}),
        ("adm", {"classroom": "A1"}),
    ],
)
def test_out_of_reach_is_404(bordeaux, as_user, who, query):
    params = {
        key: (bordeaux.classes[value].pk if key == "classroom" else bordeaux[value].pk)
        for key, value in query.items()
    }

    assert as_user(bordeaux, who).get(URL, params).status_code == 404


def test_the_teacher_creates_an_entry(bordeaux, as_user):
    response = as_user(bordeaux, "t1").post(
        URL,
        {
            "classroom": bordeaux.classes["A1"].pk,
            "domain": "eps",
            "on": "2026-10-05",
            "done": "Course <script>x</script>",
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response.json()["done"] == "Course"  # sanitised: the script and its text are gone
    with schema_context("bordeaux"):
        assert HomeworkEntry.objects.get().domain == "eps"


def test_an_incoherent_entry_is_400(bordeaux, as_user):
    response = as_user(bordeaux, "t1").post(
        URL,
        {"classroom": bordeaux.classes["A1"].pk, "domain": "eps", "on": "2026-10-05", "todo": "x"},
        content_type="application/json",
    )

    assert response.status_code == 400


@pytest.mark.parametrize("who", ["p1", "par1", "t2", "adm"])
def test_others_cannot_create(bordeaux, as_user, who):
    response = as_user(bordeaux, who).post(
        URL,
        {"classroom": bordeaux.classes["A1"].pk, "domain": "eps", "on": "2026-10-05", "done": "x"},
        content_type="application/json",
    )

    assert response.status_code == 404
    with schema_context("bordeaux"):
        assert HomeworkEntry.objects.count() == 0


def test_another_communes_class_is_404(bordeaux, pessac, math, as_user):
    client = as_user(pessac, "pt")

    assert client.get(URL, {"classroom": bordeaux.classes["A1"].pk}).status_code == 404
    response = client.post(
        URL,
        {"classroom": bordeaux.classes["A1"].pk, "domain": "eps", "on": "2026-10-05", "done": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_the_operations_are_in_the_schema(bordeaux, as_user):
    schema = as_user(bordeaux, "t1").get("/api/schema/").content.decode()

    assert "homework_list" in schema and "homework_create" in schema
