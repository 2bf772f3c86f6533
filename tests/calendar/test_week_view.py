"""The week (and day) of the cahier de textes says which days have no school, and a week with
no school at all says so, for the teacher, the pupil and the parent alike."""

from __future__ import annotations

import re

import pytest

from tests.calendar.conftest import weekly


def text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def week_url(world, who: str) -> str:
    if who == "par1":
        return f"/cahier-de-textes/enfants/{world['p1'].pk}/"
    return f"/cahier-de-textes/classes/{world.classes['A1'].pk}/"


@pytest.mark.parametrize("who", ["t1", "p1", "par1"])
def test_a_week_in_the_holidays_says_so(bordeaux, calendar, as_user, who):
    weekly(bordeaux)

    page = text(as_user(bordeaux, who).get(week_url(bordeaux, who) + "?semaine=2026-10-21"))

    assert "Pas de classe cette semaine : Vacances de la Toussaint." in page
    assert page.count("Pas de classe : Vacances de la Toussaint") == 5  # Monday to Friday
    assert "Chorale." not in page


@pytest.mark.parametrize("who", ["t1", "p1", "par1"])
def test_a_public_holiday_is_marked_on_its_day_only(bordeaux, calendar, as_user, who):
    page = text(as_user(bordeaux, who).get(week_url(bordeaux, who) + "?semaine=2026-11-09"))

    assert page.count("Pas de classe : Jour férié : 11 Novembre") == 1
    assert "Pas de classe cette semaine" not in page
    said = page.index("Jour férié : 11 Novembre")
    assert page.index('id="day-2026-11-11"') < said < page.index('id="day-2026-11-12"')


def test_a_school_week_has_no_mark(bordeaux, calendar, as_user):
    page = text(as_user(bordeaux, "p1").get(week_url(bordeaux, "p1") + "?semaine=2026-10-05"))

    assert "Pas de classe" not in page


def test_the_day_view_marks_the_day_too(bordeaux, calendar, as_user):
    client = as_user(bordeaux, "p1")

    page = text(client.get(week_url(bordeaux, "p1") + "jour/2026-12-25/"))

    assert "Pas de classe : Vacances de Noël — Jour férié : Noël" in page
    assert "Pas de classe cette semaine" not in page


def test_the_christmas_week_is_a_holiday_week(bordeaux, calendar, as_user):
    page = text(as_user(bordeaux, "t1").get(week_url(bordeaux, "t1") + "?semaine=2026-12-21"))

    # Friday 25 December is also a public holiday: the week is still « Vacances de Noël ».
    assert "Pas de classe cette semaine : Vacances de Noël." in page
    assert "Vacances de Noël — Jour férié : Noël" in page
