"""The cahier de textes' editing forms: a whole entry (or series), and one session of a series.

"Fait en classe" and "Travail à faire" are textareas that static/js/rich-text.js turns into the
Trix editor; without JavaScript they take the same HTML by hand (or plain text). Either way the
service sanitises what comes in (``apps.richtext.sanitise``, profile ``NOTEBOOK``).

``services._fields`` is the authority on what makes an entry coherent; the forms check the same
rules first so that each mistake is told in French next to the field concerned, and the teacher
is not left with one sentence for the whole form.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from apps import dates
from apps.homework.models import Repeat, Subject
from apps.richtext.forms import rich_text_widget
from apps.richtext.sanitise import NOTEBOOK, sanitise

RICH_TEXT_HELP = (
    "Gras, italique, listes, citations et liens possibles. Sans JavaScript : texte simple, ou "
    "HTML avec <p>, <br>, <strong>, <em>, <ul>, <ol>, <li>, <blockquote>, <a href>."
)

NOTHING_WRITTEN = "Indiquez ce qui a été fait en classe ou le travail à faire."
NO_DUE_DAY = "Indiquez pour quel jour est le travail à faire."
DUE_BEFORE_SESSION = "Le travail à faire ne peut pas être pour un jour avant la séance."
NO_REPEAT_END = "Indiquez jusqu'à quel jour la séance se répète."
REPEAT_END_BEFORE_SESSION = "La fin de la répétition ne peut pas précéder le jour de la séance."


def _date_input() -> forms.DateInput:
    # A date input only takes ISO dates: the French default (31/12/2026) would leave it empty.
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _rich_text(label: str, rows: int) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        # The textarea static/js/rich-text.js replaces with the editor.
        widget=rich_text_widget(rows=rows, profile=NOTEBOOK),
        # Plain text: the form's field template escapes it, so the tag names read as text.
        help_text=RICH_TEXT_HELP,
    )


def _check_work(form: forms.Form, data: dict[str, Any], on: datetime.date | None) -> None:
    """What was done or the work to do, the latter with a day on or after the session."""
    if (
        "done" in data
        and "todo" in data
        and not sanitise(data["done"])
        and not sanitise(data["todo"])
    ):
        form.add_error("done", NOTHING_WRITTEN)
    due_on = data.get("due_on")
    if "due_on" not in data:
        return  # not a date: the field already says so
    if data.get("todo") and sanitise(data["todo"]) and due_on is None:
        form.add_error("due_on", NO_DUE_DAY)
    elif due_on is not None and on is not None and due_on < on:
        form.add_error("due_on", DUE_BEFORE_SESSION)


class EntryForm(forms.Form):
    domain = forms.ChoiceField(label="Domaine", choices=Subject.choices)
    on = dates.DateField(label="Séance du", widget=_date_input())
    done = _rich_text("Fait en classe", 5)
    due_on = dates.DateField(label="Travail pour le", required=False, widget=_date_input())
    todo = _rich_text("Travail à faire", 4)
    repeat = forms.ChoiceField(
        label="Répétition",
        choices=Repeat.choices,
        required=False,
        help_text="Pas de séance répétée pendant les vacances scolaires ni les jours fériés.",
    )
    repeat_until = dates.DateField(label="Jusqu'au", required=False, widget=_date_input())
    publish = forms.BooleanField(
        label="Publier (sinon : brouillon, visible seulement des enseignants de la classe)",
        required=False,
        initial=True,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        on = data.get("on")
        _check_work(self, data, on)
        if data.get("repeat") and "repeat_until" in data:
            until = data["repeat_until"]
            if until is None:
                self.add_error("repeat_until", NO_REPEAT_END)
            elif on is not None and until < on:
                self.add_error("repeat_until", REPEAT_END_BEFORE_SESSION)
        return data


class OccurrenceForm(forms.Form):
    """One session of a series, on ``on`` (the day is not a field: it is the session's)."""

    domain = forms.ChoiceField(label="Domaine", choices=Subject.choices)
    done = _rich_text("Fait en classe", 5)
    due_on = dates.DateField(label="Travail pour le", required=False, widget=_date_input())
    todo = _rich_text("Travail à faire", 4)

    def __init__(self, *args: Any, on: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.on = on

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_work(self, data, self.on)
        return data
