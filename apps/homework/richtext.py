"""The cahier de textes' rich-text fields, registered with ``apps.richtext.registry``: what was
done and the work to do, on an entry and on an occurrence changed alone. The liaison notes are
plain text (printed with ``linebreaksbr``), not rich text.

Each ``show`` writes through this app's services, as a teacher would, and answers the class's
day page, where ``templates/homework/notebook.html`` prints each text in a
``<div class="homework-text">`` through ``|rich_text``.
"""

from __future__ import annotations

import datetime

from django.urls import reverse

from apps.accounts.permissions import Actor
from apps.homework.models import Subject
from apps.homework.services import homework_entry_create, homework_occurrence_update
from apps.richtext.registry import RichTextField, register
from apps.richtext.sanitise import NOTEBOOK
from apps.schools.models import Classroom

REGION = "homework-text"
# The other text of the entry, so that it exists whatever the tested value sanitises to.
_OTHER = "Séance de lecture."


def _day_page(classroom: Classroom, on: datetime.date) -> str:
    return reverse("homework:class_day", args=[classroom.pk, on.isoformat()])


def _entry(field: str) -> RichTextField:
    def show(value: str, *, author: Actor, classroom: Classroom, on: datetime.date) -> str:
        homework_entry_create(
            author=author,
            classroom=classroom,
            domain=Subject.FRANCAIS,
            on=on,
            done=value if field == "done" else _OTHER,
            due_on=on,
            todo=value if field == "todo" else _OTHER,
        )
        return _day_page(classroom, on)

    return RichTextField(
        name=f"homework.entry.{field}", profile=NOTEBOOK, region_class=REGION, show=show
    )


def _occurrence(field: str) -> RichTextField:
    def show(value: str, *, author: Actor, classroom: Classroom, on: datetime.date) -> str:
        # A weekly series whose second session, ``on``, is changed alone.
        series = homework_entry_create(
            author=author,
            classroom=classroom,
            domain=Subject.FRANCAIS,
            on=on - datetime.timedelta(days=7),
            done=_OTHER,
            repeat="weekly",
            repeat_until=on,
        )
        homework_occurrence_update(
            author=author,
            entry=series,
            on=on,
            domain=Subject.FRANCAIS,
            done=value if field == "done" else _OTHER,
            due_on=on,
            todo=value if field == "todo" else _OTHER,
        )
        return _day_page(classroom, on)

    return RichTextField(
        name=f"homework.occurrence.{field}", profile=NOTEBOOK, region_class=REGION, show=show
    )


def register_fields() -> None:
    for field in ("done", "todo"):
        register(_entry(field))
        register(_occurrence(field))
