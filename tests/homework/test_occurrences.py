"""One occurrence of a repeated entry changed or cancelled alone ("cette séance seulement"),
next to the whole series ("toute la série"). The world (tests/world.py): t1 teaches A1 (p1,
p2; par1 is p1's parent), dA directs A1's school, t2 teaches A2, dB directs another school."""

from __future__ import annotations

import datetime
import re

import pytest
from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.homework.models import HomeworkEntry, HomeworkOccurrence
from apps.homework.services import (
    HomeworkError,
    homework_occurrence_cancel,
    homework_occurrence_restore,
    homework_occurrence_update,
)
from tests.helpers import assert_num_queries
from tests.homework.conftest import MONDAY, entry
from tests.homework.test_pages import WEEK_QUERIES
from tests.world import World

NEXT_MONDAY = MONDAY + datetime.timedelta(days=7)  # 12 October 2026
LAST = datetime.date(2026, 11, 30)
API = "/api/v1/homework/"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def weekly(world: World, **kwargs) -> HomeworkEntry:
    """Every Monday from 5 October to 30 November: "Réciter la poésie" due the Tuesday."""
    on = kwargs.pop("on", MONDAY)
    fields = {
        "domain": "francais",
        "on": on,
        "done": "Lecture de la poésie.",
        "todo": "Réciter la poésie.",
        "due_on": on + datetime.timedelta(days=1),
        "repeat": "weekly",
        "repeat_until": LAST,
    }
    return entry(world, **{**fields, **kwargs})


def change(world: World, series: HomeworkEntry, on: datetime.date = NEXT_MONDAY, **kwargs):
    with schema_context(world.schema):
        return homework_occurrence_update(
            author=actor_for(world[kwargs.pop("author", "t1")]),
            entry=series,
            on=on,
            domain=kwargs.pop("domain", "musique"),
            done=kwargs.pop("done", "Chorale."),
            due_on=kwargs.pop("due_on", on + datetime.timedelta(days=3)),
            todo=kwargs.pop("todo", "Apporter sa flûte."),
        )


def cancel(world: World, series: HomeworkEntry, on: datetime.date = NEXT_MONDAY):
    with schema_context(world.schema):
        return homework_occurrence_cancel(author=actor_for(world["t1"]), entry=series, on=on)


def week(client, world: World, day: datetime.date) -> str:
    url = f"/cahier-de-textes/classes/{world.classes['A1'].pk}/?semaine={day.isoformat()}"
    return text(client.get(url))


def test_one_occurrence_changed_alone_replaces_the_series_that_day_only(bordeaux, as_user):
    series = weekly(bordeaux)
    change(bordeaux, series)
    client = as_user(bordeaux, "p1")

    changed = week(client, bordeaux, NEXT_MONDAY)
    before = week(client, bordeaux, MONDAY)
    after = week(client, bordeaux, NEXT_MONDAY + datetime.timedelta(days=7))

    assert "Apporter sa flûte." in changed and "Éducation musicale" in changed
    assert "Réciter la poésie." not in changed and "🎵" in changed
    # The changed work is due on the Thursday, not the series' Tuesday.
    thursday = changed.split('id="day-2026-10-15"')[1]
    assert "Apporter sa flûte." in thursday
    for other in (before, after):
        assert "Réciter la poésie." in other and "Apporter sa flûte." not in other


def test_a_cancelled_occurrence_is_hidden_from_pupils_and_parents(bordeaux, as_user):
    series = weekly(bordeaux)
    cancel(bordeaux, series)
    day = f"/cahier-de-textes/classes/{bordeaux.classes['A1'].pk}/jour/2026-10-13/"
    child = f"/cahier-de-textes/enfants/{bordeaux['p1'].pk}/?semaine={NEXT_MONDAY.isoformat()}"

    pupil = week(as_user(bordeaux, "p1"), bordeaux, NEXT_MONDAY)
    parent = text(as_user(bordeaux, "par1").get(child))
    teacher = week(as_user(bordeaux, "t1"), bordeaux, NEXT_MONDAY)

    assert "Réciter la poésie." not in pupil and "Lecture de la poésie." not in pupil
    assert "Réciter la poésie." not in parent
    assert "Réciter la poésie." not in text(as_user(bordeaux, "p1").get(day))
    assert "séance annulée" in teacher and "Lecture de la poésie." in teacher
    # The rest of the series is still there for the family.
    assert "Réciter la poésie." in week(as_user(bordeaux, "p1"), bordeaux, MONDAY)


def test_restoring_an_occurrence_follows_the_series_again(bordeaux, as_user):
    series = weekly(bordeaux)
    change(bordeaux, series)
    with schema_context("bordeaux"):
        homework_occurrence_restore(author=actor_for(bordeaux["t1"]), entry=series, on=NEXT_MONDAY)
        assert not HomeworkOccurrence.objects.exists()

    page = week(as_user(bordeaux, "p1"), bordeaux, NEXT_MONDAY)

    assert "Réciter la poésie." in page and "Apporter sa flûte." not in page


def test_editing_the_whole_series_leaves_single_occurrence_changes_in_place(bordeaux, as_user):
    series = weekly(bordeaux)
    change(bordeaux, series)
    cancel(bordeaux, series, NEXT_MONDAY + datetime.timedelta(days=7))
    client = as_user(bordeaux, "t1")
    edit = f"/cahier-de-textes/seances/{series.pk}/modifier/"
    assert "gardent leurs propres modifications" in text(client.get(edit))

    response = client.post(
        edit,
        {
            "domain": "francais",
            "on": MONDAY.isoformat(),
            "done": "Nouvelle poésie.",
            "due_on": (MONDAY + datetime.timedelta(days=1)).isoformat(),
            "todo": "Copier la nouvelle poésie.",
            "repeat": "weekly",
            "repeat_until": LAST.isoformat(),
            "publish": "on",
        },
    )

    assert response.status_code == 302
    pupil = as_user(bordeaux, "p1")
    assert "Apporter sa flûte." in week(pupil, bordeaux, NEXT_MONDAY)
    assert "Copier la nouvelle poésie." not in week(pupil, bordeaux, NEXT_MONDAY)
    assert "poésie" not in week(pupil, bordeaux, NEXT_MONDAY + datetime.timedelta(days=7))
    assert "Copier la nouvelle poésie." in week(pupil, bordeaux, MONDAY)


def test_work_due_after_the_series_ends_is_still_found(bordeaux, as_user):
    series = weekly(bordeaux)
    change(bordeaux, series, on=LAST, due_on=datetime.date(2026, 12, 10), todo="Exposé")

    december = week(as_user(bordeaux, "p1"), bordeaux, datetime.date(2026, 12, 10))

    assert "Exposé" in december


def test_work_moved_into_the_next_week_shows_there(bordeaux, as_user):
    series = weekly(bordeaux, due_on=MONDAY)  # work due the same Monday
    change(
        bordeaux,
        series,
        on=MONDAY + datetime.timedelta(days=14),
        due_on=datetime.date(2026, 10, 29),
    )
    client = as_user(bordeaux, "p1")

    assert "Apporter sa flûte." in week(client, bordeaux, datetime.date(2026, 10, 29))
    session_week = week(client, bordeaux, MONDAY + datetime.timedelta(days=14))
    assert "Chorale." in session_week and "Travail pour le jeudi 29 octobre" in session_week
    assert "Apporter sa flûte." not in session_week  # due in another week


def test_the_teacher_chooses_this_session_or_the_whole_series(bordeaux, as_user):
    series = weekly(bordeaux)
    client = as_user(bordeaux, "t1")
    scope = f"/cahier-de-textes/seances/{series.pk}/le/2026-10-12/"

    assert f'href="{scope}"' in week(client, bordeaux, NEXT_MONDAY)
    choice = text(client.get(scope))
    assert "Cette séance seulement" in choice and "Toute la série" in choice
    assert "<legend>Que voulez-vous modifier ?</legend>" in choice
    assert (
        client.get(scope, {"portee": "serie"}).url
        == f"/cahier-de-textes/seances/{series.pk}/modifier/"
    )
    only = client.get(scope, {"portee": "seance"}).url
    assert only == scope + "modifier/"
    form = text(client.get(only))
    assert "Réciter la poésie." in form  # prefilled with this day's work...
    assert (
        'type="date" name="due_on" value="2026-10-13"' in form
    )  # ...in the ISO a date input reads
    assert client.get(scope, {"portee": "autre"}).status_code == 200  # asked again

    response = client.post(
        only,
        {"domain": "musique", "done": "Chorale.", "due_on": "2026-10-15", "todo": "Flûte"},
    )

    assert response.status_code == 302
    assert response.url.endswith("?semaine=2026-10-12")
    with schema_context("bordeaux"):
        override = HomeworkOccurrence.objects.get()
        series.refresh_from_db()
    assert (override.on, override.domain, override.todo) == (NEXT_MONDAY, "musique", "<p>Flûte</p>")
    assert series.todo == "<p>Réciter la poésie.</p>"


def test_the_occurrence_form_cancels_and_restores(bordeaux, as_user):
    series = weekly(bordeaux)
    client = as_user(bordeaux, "dA")  # the director may, like the class's teacher
    url = f"/cahier-de-textes/seances/{series.pk}/le/2026-10-12/modifier/"

    assert client.post(url, {"cancel": "1"}).status_code == 302
    with schema_context("bordeaux"):
        assert HomeworkOccurrence.objects.get().cancelled
    assert "Rétablir la séance" in text(client.get(url))

    assert client.post(url, {"restore": "1"}).status_code == 302
    with schema_context("bordeaux"):
        assert not HomeworkOccurrence.objects.exists()


def test_an_incoherent_occurrence_is_explained_and_nothing_changes(bordeaux, as_user):
    series = weekly(bordeaux)
    url = f"/cahier-de-textes/seances/{series.pk}/le/2026-10-12/modifier/"

    response = as_user(bordeaux, "t1").post(
        url, {"domain": "musique", "done": "", "todo": "Flûte", "due_on": "2026-10-01"}
    )

    assert response.status_code == 200
    assert "Le travail à faire ne peut pas être pour un jour avant la séance." in text(response)
    with schema_context("bordeaux"):
        assert not HomeworkOccurrence.objects.exists()


@pytest.mark.parametrize("who", ["p1", "par1", "t2", "dB", "adm"])
def test_others_cannot_change_or_cancel_an_occurrence(bordeaux, as_user, who):
    series = weekly(bordeaux)
    change(bordeaux, series, on=MONDAY)
    client = as_user(bordeaux, who)
    scope = f"/cahier-de-textes/seances/{series.pk}/le/2026-10-12/"
    edit = scope + "modifier/"
    mine = f"/cahier-de-textes/seances/{series.pk}/le/2026-10-05/modifier/"
    data = {"domain": "eps", "done": "Piratage", "due_on": "", "todo": ""}

    assert client.get(scope).status_code == 404
    assert client.get(scope, {"portee": "serie"}).status_code == 404
    assert client.get(edit).status_code == 404 and client.post(edit, data).status_code == 404
    assert client.post(edit, {"cancel": "1"}).status_code == 404
    assert client.post(mine, {"restore": "1"}).status_code == 404
    with schema_context("bordeaux"):
        assert list(HomeworkOccurrence.objects.values_list("on", "done", "cancelled")) == [
            (MONDAY, "<p>Chorale.</p>", False)
        ]
    with schema_context("bordeaux"), pytest.raises(HomeworkError):
        homework_occurrence_cancel(author=actor_for(bordeaux[who]), entry=series, on=NEXT_MONDAY)


def test_only_real_occurrences_of_repeated_entries_can_be_changed(bordeaux, math, as_user):
    series = weekly(bordeaux)
    client = as_user(bordeaux, "t1")

    for url in (
        f"/cahier-de-textes/seances/{series.pk}/le/2026-10-13/",  # a Tuesday: not in the series
        f"/cahier-de-textes/seances/{series.pk}/le/2026-12-07/modifier/",  # after its end
        f"/cahier-de-textes/seances/{series.pk}/le/2026-09-28/modifier/",  # before its start
        f"/cahier-de-textes/seances/{series.pk}/le/pas-une-date/",
        f"/cahier-de-textes/seances/{math.pk}/le/2026-10-05/",  # does not repeat
        "/cahier-de-textes/seances/987654/le/2026-10-05/",
    ):
        assert client.get(url).status_code == 404, url
    with schema_context("bordeaux"), pytest.raises(HomeworkError):
        homework_occurrence_cancel(author=actor_for(bordeaux["t1"]), entry=math, on=MONDAY)
    with schema_context("bordeaux"):
        assert not HomeworkOccurrence.objects.exists()


def test_the_api_shows_the_override_and_hides_cancelled_ones_from_families(bordeaux, as_user):
    series = weekly(bordeaux)
    change(bordeaux, series)
    cancel(bordeaux, series, NEXT_MONDAY + datetime.timedelta(days=7))
    query = {"classroom": bordeaux.classes["A1"].pk}

    changed = as_user(bordeaux, "p1").get(API, {**query, "week": "2026-10-12"}).json()
    hidden = as_user(bordeaux, "p1").get(API, {**query, "week": "2026-10-19"}).json()
    teacher = as_user(bordeaux, "t1").get(API, {**query, "week": "2026-10-19"}).json()

    assert [
        (r["on"], r["domain"], r["todo"], r["due_on"], r["changed_alone"]) for r in changed
    ] == [("2026-10-12", "musique", "<p>Apporter sa flûte.</p>", "2026-10-15", True)]
    assert hidden == []
    assert [(r["on"], r["cancelled"]) for r in teacher] == [("2026-10-19", True)]


@pytest.mark.parametrize("entries", [1, 30])
@pytest.mark.parametrize("who", ["t1", "p1"])
def test_overrides_do_not_make_the_week_cost_more_per_entry(bordeaux, as_user, entries, who):
    for n in range(entries):
        series = weekly(bordeaux, on=MONDAY - datetime.timedelta(days=7), todo=f"Travail {n}")
        change(bordeaux, series, on=MONDAY, todo=f"Changé {n}")
    client = as_user(bordeaux, who)
    url = f"/cahier-de-textes/classes/{bordeaux.classes['A1'].pk}/?semaine={MONDAY.isoformat()}"

    with assert_num_queries(WEEK_QUERIES[who]):
        response = client.get(url)

    assert text(response).count("Changé ") == entries
