"""``/api/v1/``: each list and object is what the permission rules let the caller see.

Forbidden and missing objects answer the same 404. The world (Bordeaux's schools, classes
and people, and Pessac's) is described in tests/world.py.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from tests.helpers import count_queries
from tests.world import add_pupils, build_bordeaux, log_in

MISSING_ID = 987654


def names(response) -> set[str]:
    payload = response.json()
    rows = payload["results"] if isinstance(payload, dict) else payload
    return {row.get("display_name") or row["name"] for row in rows}


def test_anonymous_callers_get_nothing(tenant_client, bordeaux):
    client = tenant_client("bordeaux")

    for path in ("/api/v1/me/", "/api/v1/schools/", "/api/v1/classes/", "/api/v1/people/"):
        response = client.get(path)
        assert response.status_code in (401, 403), path
        assert "Paul" not in response.content.decode()


def test_me_tells_a_parent_their_children_with_class_school_and_teachers(bordeaux, as_user):
    me = as_user(bordeaux, "par1").get("/api/v1/me/").json()

    assert me["display_name"] == "Pascale Un"
    assert me["profile"] == "parent"
    assert [child["display_name"] for child in me["children"]] == ["Paul Un"]
    classroom = me["children"][0]["classroom"]
    assert classroom["name"] == "CP A1"
    assert classroom["school"]["name"] == "École A"
    assert [t["display_name"] for t in classroom["teachers"]] == ["Théo Maître"]
    assert [c["name"] for c in me["classes"]] == ["CP A1"]


def test_me_tells_a_teacher_their_classes(bordeaux, as_user):
    me = as_user(bordeaux, "t1").get("/api/v1/me/").json()

    assert [c["name"] for c in me["classes"]] == ["CP A1"]
    assert [s["name"] for s in me["schools"]] == ["École A"]
    assert me["children"] == []


# --- a parent ------------------------------------------------------------------------------


def test_a_parent_lists_only_their_childs_class(bordeaux, as_user):
    client = as_user(bordeaux, "par1")

    assert names(client.get("/api/v1/classes/")) == {"CP A1"}
    assert names(client.get("/api/v1/schools/")) == {"École A"}


def test_a_parent_sees_their_child_and_its_teacher_in_its_class_but_no_classmate(bordeaux, as_user):
    client = as_user(bordeaux, "par1")
    a1 = bordeaux.classes["A1"].pk

    response = client.get(f"/api/v1/people/?classroom={a1}")

    assert response.status_code == 200
    assert names(response) == {"Paul Un", "Pascale Un", "Théo Maître"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/people/?classroom={A2}",
        "/api/v1/people/?classroom={B1}",
        "/api/v1/classes/{A2}/",
        "/api/v1/classes/{B1}/",
        "/api/v1/classes/?school={B}",
        "/api/v1/people/?school={B}",
        "/api/v1/schools/{B}/",
        "/api/v1/people/{p2}/",
        "/api/v1/people/{p3}/",
        "/api/v1/people/{t2}/",
        "/api/v1/people/{par3}/",
    ],
)
def test_a_parent_cannot_open_what_is_not_their_childs(bordeaux, as_user, path):
    client = as_user(bordeaux, "par1")
    ids = {
        "A2": bordeaux.classes["A2"].pk,
        "B1": bordeaux.classes["B1"].pk,
        "B": bordeaux.schools["B"].pk,
        **{name: bordeaux[name].pk for name in ("p2", "p3", "t2", "par3")},
    }
    missing = path.split("{")[0] + str(MISSING_ID) + path.split("}")[1]

    forbidden = client.get(path.format(**ids))
    absent = client.get(missing)

    assert forbidden.status_code == 404
    assert absent.status_code == 404
    assert forbidden.json() == absent.json()


def test_a_parent_finds_nothing_of_another_commune(bordeaux, pessac, as_user):
    client = as_user(bordeaux, "par1")

    everything = " ".join(
        client.get(path).content.decode()
        for path in ("/api/v1/people/", "/api/v1/classes/", "/api/v1/schools/", "/api/v1/me/")
    )

    assert "Pessac" not in everything
    # The Bordeaux session means nothing on Pessac's host.
    pessac_client = as_user(bordeaux, "par1")
    pessac_client.defaults["HTTP_HOST"] = "pessac.ent.localhost"
    assert pessac_client.get("/api/v1/people/").status_code in (401, 403)


def test_a_token_works_on_its_own_commune_only(tenant_client, bordeaux, pessac):
    with schema_context("bordeaux"):
        token = Token.objects.create(user=bordeaux["par1"]).key
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}

    mine = tenant_client("bordeaux").get("/api/v1/me/", **auth)
    theirs = tenant_client("pessac").get("/api/v1/me/", **auth)

    assert mine.status_code == 200
    assert mine.json()["display_name"] == "Pascale Un"
    assert theirs.status_code in (401, 403)
    assert "Pascale" not in theirs.content.decode()


# --- a pupil -------------------------------------------------------------------------------


def test_a_pupil_sees_their_classmates_and_teachers_only(bordeaux, as_user):
    client = as_user(bordeaux, "p1")

    assert names(client.get("/api/v1/people/")) == {"Paul Un", "Pia Deux", "Théo Maître"}
    assert names(client.get("/api/v1/classes/")) == {"CP A1"}
    assert client.get(f"/api/v1/people/{bordeaux['par1'].pk}/").status_code == 404
    assert client.get(f"/api/v1/classes/{bordeaux.classes['A2'].pk}/").status_code == 404


def test_a_pupil_does_not_see_a_classmates_guardians(bordeaux, as_user):
    rows = as_user(bordeaux, "p2").get("/api/v1/people/").json()["results"]

    paul = next(row for row in rows if row["display_name"] == "Paul Un")
    assert paul["guardians"] == []


# --- school staff and the administrator ------------------------------------------------------


def test_a_teacher_sees_their_school(bordeaux, as_user):
    client = as_user(bordeaux, "t1")
    school_a = bordeaux.schools["A"].pk

    people = names(client.get(f"/api/v1/people/?school={school_a}"))

    assert people == {
        "Paul Un",
        "Pia Deux",
        "Pierre Trois",
        "Pascale Un",
        "Patrick Trois",
        "Théo Maître",
        "Tina Maîtresse",
        "Diane Direction",
    }
    assert names(client.get("/api/v1/classes/")) == {"CP A1", "CE1 A2"}
    assert client.get(f"/api/v1/people/{bordeaux['p4'].pk}/").status_code == 404
    assert client.get(f"/api/v1/schools/{bordeaux.schools['B'].pk}/").status_code == 404


def test_a_teacher_sees_the_guardians_of_the_pupils_of_their_school(bordeaux, as_user):
    a1 = bordeaux.classes["A1"].pk
    rows = as_user(bordeaux, "t1").get(f"/api/v1/people/?classroom={a1}").json()["results"]

    paul = next(row for row in rows if row["display_name"] == "Paul Un")
    assert [g["display_name"] for g in paul["guardians"]] == ["Pascale Un"]
    assert paul["classes"][0]["name"] == "CP A1"


def test_the_administrator_sees_every_school_and_class(bordeaux, as_user):
    client = as_user(bordeaux, "adm")

    assert names(client.get("/api/v1/schools/")) == {"École A", "École B", "École C"}
    assert names(client.get("/api/v1/classes/")) == {"CP A1", "CE1 A2", "GS B1"}
    assert client.get("/api/v1/people/").json()["count"] == 13


def test_people_can_be_searched_and_filtered_by_profile(bordeaux, as_user):
    client = as_user(bordeaux, "adm")

    assert names(client.get("/api/v1/people/?search=trois")) == {"Pierre Trois", "Patrick Trois"}
    assert names(client.get("/api/v1/people/?search=pat trois")) == {"Patrick Trois"}
    assert names(client.get("/api/v1/people/?profile=director")) == {
        "Diane Direction",
        "Denis Directeur",
    }
    assert client.get("/api/v1/people/?profile=nobody").status_code == 400


def test_the_class_detail_gives_the_pupil_count_to_the_school_only(bordeaux, as_user):
    a1 = bordeaux.classes["A1"].pk

    assert as_user(bordeaux, "t2").get(f"/api/v1/classes/{a1}/").json()["pupil_count"] == 2
    assert as_user(bordeaux, "par1").get(f"/api/v1/classes/{a1}/").json()["pupil_count"] is None


# --- cost ------------------------------------------------------------------------------------


def _queries(client, path: str) -> int:
    client.get(path)  # warm: routing cache, session state
    with count_queries() as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


# Session and user (2), the Actor (5), the administrator's verified device (1); then the
# object a filter names (1), the count and the page (2), and one query per nested list.
LIST_PATHS = [
    ("adm", "/api/v1/people/?classroom={A1}", 14),
    ("t1", "/api/v1/people/?classroom={A1}", 13),
    ("p1", "/api/v1/people/", 12),
    ("adm", "/api/v1/people/?school={A}&search=e", 14),
    ("t1", "/api/v1/classes/", 9),
    ("adm", "/api/v1/schools/", 9),
]


@pytest.mark.parametrize(("who", "path", "expected"), LIST_PATHS)
def test_list_endpoints_cost_the_same_with_5_or_30_pupils(db, tenant_client, who, path, expected):
    """Pinned: the number of queries does not grow with the class (5 pupils, then 30)."""
    world = build_bordeaux(extra_pupils=3)
    client = log_in(tenant_client, "bordeaux", world[who])
    path = path.format(A1=world.classes["A1"].pk, A=world.schools["A"].pk)

    with_5 = _queries(client, path)
    add_pupils(world, 25)
    with_30 = _queries(client, path)

    assert (with_5, with_30) == (expected, expected)


def test_the_openapi_schema_and_its_documentation_are_served_without_a_cdn(tenant_client, db):
    client = tenant_client("bordeaux")

    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")
    script = client.get("/api/docs/?script=")

    assert schema.status_code == 200
    body = schema.content.decode()
    for path in ("/api/v1/me/", "/api/v1/people/", "/api/v1/classes/", "/api/v1/schools/"):
        assert path in body
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()
    assert "//unpkg" not in page and "jsdelivr" not in page
    assert script.status_code == 200


def test_the_openapi_schema_is_generated_without_warnings(tmp_path):
    """Every operation documents its parameters and answers, with distinct component names."""
    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    schema = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
    for component in ("Me:", "Person:", "Classroom:", "School:", "PaginatedPersonList:"):
        assert f"\n    {component}\n" in schema
