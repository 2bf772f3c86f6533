"""The cahier de textes' pages: week and day for pupils, parents (per child) and staff, the
editing form. Forbidden answers the same 404 as missing, and changes nothing."""

from __future__ import annotations

import datetime
import re

import pytest
from django_tenants.utils import schema_context

from apps.homework.models import HomeworkEntry
from apps.schools.models import Enrolment, GuardianKind, Guardianship
from tests.homework.conftest import MONDAY, entry
from tests.world import add_pupils

MISSING_ID = 987654
WEEK = f"?semaine={MONDAY.isoformat()}"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_pupil_home_tile_leads_to_their_week(bordeaux, math, as_user):
    client = as_user(bordeaux, "p1")
    assert 'href="/cahier-de-textes/"' in text(client.get("/"))

    page = text(client.get("/cahier-de-textes/" + WEEK))

    assert "Cahier de textes — CP A1" in page
    assert "Semaine du 5 octobre au 11 octobre 2026" in page
    assert "Apprendre la table de 2." in page and "Les nombres jusqu'à 100." in page
    assert "🔢" in page


def test_the_day_view_shows_only_that_day(bordeaux, math, as_user):
    client = as_user(bordeaux, "p1")
    url = f"/cahier-de-textes/classes/{bordeaux.classes['A1'].pk}/jour/"

    tuesday = text(client.get(url + "2026-10-06/"))
    monday = text(client.get(url + "2026-10-05/"))

    assert "Apprendre la table de 2." in tuesday and "Les nombres" not in tuesday
    assert "Les nombres jusqu'à 100." in monday
    assert client.get(url + "pas-une-date/").status_code == 404


def test_formatting_is_kept_and_scripts_are_not(bordeaux, as_user):
    entry(bordeaux, todo="<ul><li><strong>Lire</strong></li></ul><script>alert(1)</script>")

    page = text(as_user(bordeaux, "p1").get("/cahier-de-textes/" + WEEK))

    assert "<ul><li><strong>Lire</strong></li></ul>" in page
    assert "alert(1)" not in page


def test_drafts_are_seen_only_by_those_who_edit(bordeaux, as_user):
    entry(bordeaux, todo="Secret du brouillon", publish=False)
    url = f"/cahier-de-textes/classes/{bordeaux.classes['A1'].pk}/" + WEEK

    assert "Secret du brouillon" in text(as_user(bordeaux, "t1").get(url))
    assert "Secret du brouillon" in text(as_user(bordeaux, "dA").get(url))
    for who in ("p1", "par1"):
        assert "Secret du brouillon" not in text(as_user(bordeaux, who).get(url))
    assert "Secret du brouillon" not in text(
        as_user(bordeaux, "par1").get(f"/cahier-de-textes/enfants/{bordeaux['p1'].pk}/" + WEEK)
    )


def test_a_weekly_entry_shows_in_later_weeks(bordeaux, as_user):
    entry(bordeaux, todo="Poésie", repeat="weekly", repeat_until=datetime.date(2026, 12, 18))

    later = text(as_user(bordeaux, "p1").get("/cahier-de-textes/?semaine=2026-11-18"))

    assert "Poésie" in later and "Semaine du 16 novembre" in later


def test_a_parent_of_two_children_switches_between_them(bordeaux, as_user):
    with schema_context("bordeaux"):
        Guardianship.objects.create(
            guardian=bordeaux["par1"], child=bordeaux["p3"], kind=GuardianKind.LEGAL_1
        )
    entry(bordeaux, todo="Pour A1")
    entry(bordeaux, author="t2", classroom="A2", todo="Pour A2")
    client = as_user(bordeaux, "par1")

    first = client.get("/cahier-de-textes/")
    assert first.status_code == 302
    assert first.url == f"/cahier-de-textes/enfants/{bordeaux['p1'].pk}/"
    p1 = text(client.get(first.url + WEEK))
    p3 = text(client.get(f"/cahier-de-textes/enfants/{bordeaux['p3'].pk}/" + WEEK))

    assert "Pour A1" in p1 and "Pour A2" not in p1 and "Pierre Trois" in p1
    assert "Pour A2" in p3 and "Pour A1" not in p3


def test_a_parent_cannot_see_another_class_or_child(bordeaux, as_user):
    entry(bordeaux, author="t2", classroom="A2", todo="Pour A2")
    client = as_user(bordeaux, "par1")

    assert client.get(f"/cahier-de-textes/classes/{bordeaux.classes['A2'].pk}/").status_code == 404
    assert client.get(f"/cahier-de-textes/enfants/{bordeaux['p3'].pk}/").status_code == 404
    assert client.get(f"/cahier-de-textes/enfants/{MISSING_ID}/").status_code == 404
    assert client.get(f"/cahier-de-textes/classes/{MISSING_ID}/").status_code == 404


def test_the_teacher_writes_an_entry_from_the_form(bordeaux, as_user):
    client = as_user(bordeaux, "t1")
    url = f"/cahier-de-textes/classes/{bordeaux.classes['A1'].pk}/nouvelle-seance/"
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "domain": "francais",
            "on": "2026-10-05",
            "done": "Le son [ou].",
            "due_on": "2026-10-08",
            "todo": "<p>Lire <em>p. 12</em></p>",
            "repeat": "",
            "publish": "on",
        },
    )

    assert response.status_code == 302
    with schema_context("bordeaux"):
        created = HomeworkEntry.objects.get()
    assert created.is_published and created.todo == "<p>Lire <em>p. 12</em></p>"
    assert "Le son [ou]." in text(client.get(response.url))


def test_the_form_explains_an_incoherent_entry(bordeaux, as_user):
    url = f"/cahier-de-textes/classes/{bordeaux.classes['A1'].pk}/nouvelle-seance/"

    response = as_user(bordeaux, "t1").post(
        url, {"domain": "francais", "on": "2026-10-05", "todo": "Lire", "repeat": ""}
    )

    assert response.status_code == 200
    assert "Indiquez pour quel jour est le travail à faire." in text(response)
    with schema_context("bordeaux"):
        assert HomeworkEntry.objects.count() == 0


def test_the_teacher_edits_and_deletes(bordeaux, math, as_user):
    client = as_user(bordeaux, "t1")
    url = f"/cahier-de-textes/seances/{math.pk}/modifier/"
    data = {"domain": "mathematiques", "on": "2026-10-05", "done": "Changé", "repeat": ""}

    assert client.post(url, data).status_code == 302
    with schema_context("bordeaux"):
        math.refresh_from_db()
        assert math.done == "<p>Changé</p>" and not math.is_published  # publish unticked

    assert client.post(url, {"delete": "1"}).status_code == 302
    with schema_context("bordeaux"):
        assert HomeworkEntry.objects.count() == 0


@pytest.mark.parametrize("who", ["p1", "par1", "t2", "dB", "adm"])
def test_others_cannot_write_or_edit(bordeaux, math, as_user, who):
    client = as_user(bordeaux, who)
    new = f"/cahier-de-textes/classes/{bordeaux.classes['A1'].pk}/nouvelle-seance/"
    edit = f"/cahier-de-textes/seances/{math.pk}/modifier/"
    data = {"domain": "eps", "on": "2026-10-05", "done": "Piratage", "repeat": ""}

    assert client.get(new).status_code == 404 and client.post(new, data).status_code == 404
    assert client.get(edit).status_code == 404 and client.post(edit, data).status_code == 404
    assert client.post(edit, {"delete": "1"}).status_code == 404
    assert client.get(f"/cahier-de-textes/seances/{MISSING_ID}/modifier/").status_code == 404
    with schema_context("bordeaux"):
        assert list(HomeworkEntry.objects.values_list("done", flat=True)) == [math.done]


def test_nothing_of_another_commune_is_reachable(bordeaux, pessac, math, as_user):
    client = as_user(pessac, "pt")
    for url in (
        f"/cahier-de-textes/classes/{bordeaux.classes['A1'].pk}/",
        f"/cahier-de-textes/classes/{bordeaux.classes['A1'].pk}/nouvelle-seance/",
        f"/cahier-de-textes/seances/{math.pk}/modifier/",
        f"/cahier-de-textes/enfants/{bordeaux['p1'].pk}/",
    ):
        assert client.get(url).status_code == 404, url
    parent = as_user(pessac, "ppar")
    assert parent.get(f"/cahier-de-textes/enfants/{bordeaux['p1'].pk}/").status_code == 404


def _many_entries(world, count: int) -> None:
    """``count`` entries over the week, one in two repeating weekly."""
    for n in range(count):
        repeats = n % 2 == 1
        entry(
            world,
            on=MONDAY + datetime.timedelta(days=n % 5),
            todo=f"Travail {n}",
            due_on=MONDAY + datetime.timedelta(days=n % 5 + 1),
            repeat="weekly" if repeats else "",
            repeat_until=MONDAY + datetime.timedelta(days=60) if repeats else None,
        )


# Routing, session, user and its 2FA check, the Actor (5), the class, its entries (ONE query
# whatever their number or the class size), their attachments (ONE prefetch), the week's
# single-occurrence overrides (ONE query), the days without school (ONE), the header's unread
# notifications badge (ONE), the unread messages badge (ONE), the session save; staff pages
# cost a few more (2FA and the staff's navigation). The point is that each stays the same with
# 5 or 50 pupils and 1 or 30 entries.
WEEK_QUERIES = {"t1": 22, "p1": 18}
# The parent's page reads the child's enrolment and the parent's children instead of the class.
CHILD_WEEK_QUERIES = 19


@pytest.mark.parametrize("pupils", [5, 50])
@pytest.mark.parametrize("entries", [1, 30])
@pytest.mark.parametrize("who", ["t1", "p1"])
def test_the_week_costs_the_same_whatever_the_number_of_pupils_and_entries(
    bordeaux, as_user, django_assert_num_queries, pupils, entries, who
):
    add_pupils(bordeaux, pupils - 2)  # A1 already has p1 and p2
    _many_entries(bordeaux, entries)
    with schema_context("bordeaux"):
        assert Enrolment.objects.filter(classroom=bordeaux.classes["A1"]).count() == pupils
    client = as_user(bordeaux, who)
    url = f"/cahier-de-textes/classes/{bordeaux.classes['A1'].pk}/" + WEEK

    with django_assert_num_queries(WEEK_QUERIES[who]):
        response = client.get(url)

    assert response.status_code == 200
    assert text(response).count("Travail ") >= entries


@pytest.mark.parametrize("pupils", [5, 50])
@pytest.mark.parametrize("entries", [1, 30])
def test_the_parent_week_costs_the_same_whatever_the_number_of_pupils_and_entries(
    bordeaux, as_user, django_assert_num_queries, pupils, entries
):
    add_pupils(bordeaux, pupils - 2)
    _many_entries(bordeaux, entries)
    client = as_user(bordeaux, "par1")

    with django_assert_num_queries(CHILD_WEEK_QUERIES):
        response = client.get(f"/cahier-de-textes/enfants/{bordeaux['p1'].pk}/" + WEEK)

    assert response.status_code == 200
