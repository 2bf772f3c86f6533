"""Writing the cahier de textes: sanitising, checks, repetitions computed by the selectors."""

from __future__ import annotations

import datetime

import pytest
from django_tenants.utils import schema_context

from apps.homework.models import HomeworkEntry
from apps.homework.selectors import expand
from apps.homework.services import HomeworkError
from apps.richtext.sanitise import sanitise
from tests.homework.conftest import MONDAY, entry

DAY = datetime.timedelta(days=1)


def test_only_paragraphs_bold_italic_lists_and_links_survive():
    dirty = (
        '<p onclick="x()">Lire <strong>p. 12</strong> <em>à voix haute</em>'
        '<script>alert(1)</script><a href="http://x">lien</a><img src=x></p>'
        '<ul><li style="color:red">un</li></ul>'
    )

    assert sanitise(dirty) == (
        "<p>Lire <strong>p. 12</strong> <em>à voix haute</em>"
        '<a href="http://x" rel="noopener noreferrer">lien</a></p><ul><li>un</li></ul>'
    )


def test_plain_text_becomes_escaped_paragraphs():
    assert sanitise("Lire & écrire\n\nFin") == "<p>Lire &amp; écrire</p><p>Fin</p>"
    assert sanitise("Ligne 1\nLigne 2") == "<p>Ligne 1<br>Ligne 2</p>"


def test_the_stored_text_is_sanitised(bordeaux):
    created = entry(bordeaux, done="<p>Ok<script>x</script></p>", todo="<b>Lire</b>")

    assert created.done == "<p>Ok</p>" and created.todo == "<b>Lire</b>"


@pytest.mark.parametrize("who", ["p1", "par1", "t2", "dB", "adm"])
def test_only_the_class_teachers_and_director_write(bordeaux, who):
    with pytest.raises(HomeworkError):
        entry(bordeaux, author=who)
    with schema_context("bordeaux"):
        assert HomeworkEntry.objects.count() == 0


def test_the_director_of_the_school_writes(bordeaux):
    assert entry(bordeaux, author="dA").author_name == bordeaux["dA"].display_name


@pytest.mark.parametrize(
    "kwargs",
    [
        {"done": "", "todo": ""},
        {"due_on": None},
        {"due_on": MONDAY - DAY},
        {"repeat": "weekly"},
        {"repeat": "weekly", "repeat_until": MONDAY - DAY},
        {"domain": "astrologie"},
    ],
)
def test_incoherent_entries_are_refused(bordeaux, kwargs):
    with pytest.raises(HomeworkError):
        entry(bordeaux, **kwargs)


def test_a_weekly_entry_occurs_each_week_until_its_end(bordeaux):
    weekly = entry(bordeaux, repeat="weekly", repeat_until=MONDAY + 20 * DAY)

    assert weekly.last_day == MONDAY + 14 * DAY + DAY  # the last occurrence's due day
    found = expand([weekly], MONDAY, MONDAY + 60 * DAY)
    assert [o.on for o in found] == [MONDAY, MONDAY + 7 * DAY, MONDAY + 14 * DAY]
    assert [o.due_on for o in found] == [MONDAY + DAY, MONDAY + 8 * DAY, MONDAY + 15 * DAY]


def test_a_fortnightly_entry_skips_a_week(bordeaux):
    fortnightly = entry(bordeaux, repeat="fortnightly", repeat_until=MONDAY + 30 * DAY)

    assert [o.on for o in expand([fortnightly], MONDAY + 7 * DAY, MONDAY + 13 * DAY)] == []
    assert [o.on for o in expand([fortnightly], MONDAY + 14 * DAY, MONDAY + 20 * DAY)] == [
        MONDAY + 14 * DAY
    ]


def test_an_occurrence_given_last_week_shows_when_due_this_week(bordeaux):
    friday = MONDAY + 4 * DAY
    given_friday = entry(bordeaux, on=friday, due_on=friday + 3 * DAY)

    found = expand([given_friday], MONDAY + 7 * DAY, MONDAY + 13 * DAY)

    assert [(o.on, o.due_on) for o in found] == [(friday, MONDAY + 7 * DAY)]
