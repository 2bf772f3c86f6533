"""Weekly repeats of the cahier de textes skip the holidays of the groupement's zone and the
public holidays (the bar of the issue): no session is computed there."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.homework import selectors
from apps.homework.services import HomeworkError, homework_occurrence_cancel
from tests.calendar.conftest import MONDAY, TOUSSAINT_MONDAYS, weekly

D = datetime.date


def sessions(world, start, end, who="p1") -> list[datetime.date]:
    with schema_context(world.schema):
        actor = actor_for(world[who])
        classroom = world.classes["A1"]
        return [o.on for o in selectors.occurrences_between(actor, classroom, start, end)]


def test_a_weekly_entry_has_no_session_in_the_holidays_of_its_zone(bordeaux, calendar):
    weekly(bordeaux)  # Mondays from 5 October to 30 November 2026

    found = sessions(bordeaux, MONDAY, D(2026, 11, 30))

    assert found == [
        D(2026, 10, 5),
        D(2026, 10, 12),
        D(2026, 11, 2),
        D(2026, 11, 9),
        D(2026, 11, 16),
        D(2026, 11, 23),
        D(2026, 11, 30),
    ]
    assert not set(TOUSSAINT_MONDAYS) & set(found)
    # Those who edit do not see them either: there is nothing to change or cancel.
    assert sessions(bordeaux, D(2026, 10, 19), D(2026, 10, 25), who="t1") == []


def test_the_holidays_are_those_of_the_configured_zone(bordeaux, calendar, settings):
    # Winter 2027: zone A from 13 to 28 February, zone C from 6 to 21 February.
    weekly(bordeaux, on=D(2027, 2, 1), repeat_until=D(2027, 3, 8))
    zone_a = sessions(bordeaux, D(2027, 2, 1), D(2027, 3, 8))
    settings.ENT_SCHOOL_ZONE = "C"
    zone_c = sessions(bordeaux, D(2027, 2, 1), D(2027, 3, 8))

    assert zone_a == [D(2027, 2, 1), D(2027, 2, 8), D(2027, 3, 1), D(2027, 3, 8)]
    assert zone_c == [D(2027, 2, 1), D(2027, 2, 22), D(2027, 3, 1), D(2027, 3, 8)]


def test_a_public_holiday_has_no_session(bordeaux, calendar):
    wednesdays = weekly(bordeaux, on=D(2026, 11, 4), repeat_until=D(2026, 11, 25))
    easter_mondays = weekly(bordeaux, on=D(2027, 3, 22), repeat_until=D(2027, 4, 5))

    assert sessions(bordeaux, D(2026, 11, 2), D(2026, 11, 29)) == [
        D(2026, 11, 4),
        D(2026, 11, 18),
        D(2026, 11, 25),  # not Wednesday 11 November
    ]
    assert sessions(bordeaux, D(2027, 3, 22), D(2027, 4, 5)) == [
        D(2027, 3, 22),
        D(2027, 4, 5),  # not Easter Monday, 29 March 2027
    ]
    assert [(s.reason, s.days) for s in selectors.skipped_sessions(wednesdays)] == [
        ("Jour férié : 11 Novembre", (D(2026, 11, 11),))
    ]
    assert selectors.skipped_sessions(easter_mondays)[0].reason == "Jour férié : Lundi de Pâques"


def test_the_work_of_a_skipped_session_is_not_due_either(bordeaux, calendar):
    # Given on Fridays for the Monday after: Friday 30 October 2026 is in the holidays, so
    # nothing is due on Monday 2 November.
    weekly(
        bordeaux,
        on=D(2026, 10, 9),
        due_on=D(2026, 10, 12),
        todo="Lire",
        repeat_until=D(2026, 11, 6),
    )

    with schema_context(bordeaux.schema):
        actor = actor_for(bordeaux["p1"])
        days = selectors.notebook(actor, bordeaux.classes["A1"], D(2026, 11, 2), D(2026, 11, 8))
    by_day = {day.date: ([o.on for o in day.done], [o.on for o in day.due]) for day in days}

    assert by_day[D(2026, 11, 2)] == ([], [])
    assert by_day[D(2026, 11, 6)] == ([D(2026, 11, 6)], [])


def test_the_first_session_is_kept_even_in_the_holidays(bordeaux, calendar):
    # A teacher may choose to write on a holiday (work for the holidays): that is the series'
    # first day; its repetitions still skip the holidays.
    weekly(bordeaux, on=D(2026, 10, 19), repeat_until=D(2026, 11, 9))

    assert sessions(bordeaux, D(2026, 10, 19), D(2026, 11, 9)) == [
        D(2026, 10, 19),
        D(2026, 11, 2),
        D(2026, 11, 9),
    ]


def test_a_skipped_session_cannot_be_changed_or_cancelled_alone(bordeaux, calendar, as_user):
    series = weekly(bordeaux)
    client = as_user(bordeaux, "t1")

    assert client.get(f"/cahier-de-textes/seances/{series.pk}/le/2026-10-19/").status_code == 404
    assert client.get(f"/cahier-de-textes/seances/{series.pk}/le/2026-11-02/").status_code == 200
    with schema_context(bordeaux.schema), pytest.raises(HomeworkError):
        homework_occurrence_cancel(
            author=actor_for(bordeaux["t1"]), entry=series, on=D(2026, 10, 19)
        )


def test_the_form_says_how_many_repetitions_are_skipped_and_why(bordeaux, calendar, as_user):
    client = as_user(bordeaux, "t1")
    url = f"/cahier-de-textes/classes/{bordeaux.classes['A1'].pk}/nouvelle-seance/"

    response = client.post(
        url,
        {
            "domain": "musique",
            "on": "2026-10-05",
            "done": "Chorale.",
            "repeat": "weekly",
            "repeat_until": "2026-11-30",
            "publish": "on",
        },
    )

    assert response.status_code == 302
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert (
        "2 séances de la série tombent un jour sans classe et ne sont pas créées : "
        "Vacances de la Toussaint (19 octobre, 26 octobre)."
    ) in said
    page = re.sub(r"\s+", " ", client.get(response["Location"]).content.decode())
    assert "Vacances de la Toussaint (19 octobre, 26 octobre)" in page


def test_a_series_without_holidays_says_nothing_more(bordeaux, calendar, as_user):
    client = as_user(bordeaux, "t1")
    url = f"/cahier-de-textes/classes/{bordeaux.classes['A1'].pk}/nouvelle-seance/"

    response = client.post(
        url,
        {
            "domain": "musique",
            "on": "2026-11-02",
            "done": "Chorale.",
            "repeat": "weekly",
            "repeat_until": "2026-11-30",
            "publish": "on",
        },
    )

    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == ["La séance est enregistrée dans le cahier de textes."]
