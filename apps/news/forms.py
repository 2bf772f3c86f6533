"""The news' forms: a news item (its text is a textarea static/js/rich-text.js turns into the
Trix editor; the service sanitises whatever comes in) and a banner. Dates through
``apps.dates.DateField``; a date and a time are read in Paris time."""

from __future__ import annotations

import datetime
from typing import cast
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from apps import dates
from apps.news.models import Audience, Colour
from apps.richtext.forms import rich_text_widget
from apps.richtext.sanitise import PUBLICATION
from apps.schools.models import School

PARIS = ZoneInfo("Europe/Paris")
COMMUNE = "commune"
RICH_TEXT_HELP = (
    "Gras, italique, listes, titres, citations et liens possibles. Sans JavaScript : texte "
    "simple, ou HTML avec <p>, <br>, <strong>, <em>, <ul>, <ol>, <li>, <h2>, <a href>."
)


def _at(day: datetime.date, time: datetime.time | None) -> datetime.datetime:
    return datetime.datetime.combine(day, time or datetime.time(0, 0), tzinfo=PARIS)


def _where_choices(schools: list[School], commune: bool) -> list[tuple[str, str]]:
    choices = [(COMMUNE, "Toute la commune (toutes les écoles)")] if commune else []
    return choices + [(str(school.pk), school.name) for school in schools]


class _WhereForm(forms.Form):
    where = forms.ChoiceField(
        label="Pour", error_messages={"invalid_choice": "Choisissez une école de la liste."}
    )

    def __init__(
        self, *args: object, schools: list[School], commune: bool, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.schools = {str(school.pk): school for school in schools}
        field = cast(forms.ChoiceField, self.fields["where"])
        field.choices = _where_choices(schools, commune)
        if len(field.choices) == 1:
            field.initial = field.choices[0][0]

    def school(self) -> School | None:
        return self.schools.get(self.cleaned_data["where"])


class NewsForm(_WhereForm):
    title = forms.CharField(label="Titre", max_length=160)
    body = forms.CharField(
        label="Texte",
        widget=rich_text_widget(rows=12, profile=PUBLICATION),
        help_text=RICH_TEXT_HELP,
    )
    audience = forms.ChoiceField(
        label="S'adresse à",
        choices=Audience.choices,
        initial=Audience.ALL,
        widget=forms.RadioSelect,
    )
    pinned = forms.BooleanField(label="À la une (en tête de la liste)", required=False)
    publish_on = dates.DateField(
        label="Date de publication",
        required=False,
        help_text="Vide : dès la publication. Une date à venir programme l'actualité.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    publish_time = forms.TimeField(
        label="Heure de publication",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"invalid": "Saisissez une heure, par exemple 08:30."},
    )
    expires_on = dates.DateField(
        label="Visible jusqu'au",
        help_text="Inclus. L'actualité est effacée trois ans après cette date.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Indiquez jusqu'à quand l'actualité est visible."},
    )
    public = forms.BooleanField(
        label="Montrer aussi cette actualité sur le site public de l'école (sans connexion)",
        required=False,
    )
    untagged_confirmed = forms.BooleanField(
        label="Je confirme qu'aucun élève sans autorisation photo n'apparaît sur les photos "
        "où personne n'est indiqué",
        required=False,
    )

    def __init__(
        self,
        *args: object,
        schools: list[School],
        commune: bool,
        may_make_public: bool,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, schools=schools, commune=commune, **kwargs)
        if not self.is_bound and "expires_on" not in self.initial:
            self.initial["expires_on"] = timezone.localdate() + datetime.timedelta(days=30)
        if not may_make_public:
            del self.fields["public"]
            del self.fields["untagged_confirmed"]

    def publish_at(self) -> datetime.datetime | None:
        day = self.cleaned_data.get("publish_on")
        if day is None:
            return None
        return _at(day, self.cleaned_data.get("publish_time"))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("publish_time") and not data.get("publish_on"):
            self.add_error("publish_on", "Indiquez le jour de publication de cette heure.")
        return data


class BannerForm(_WhereForm):
    message = forms.CharField(
        label="Message",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Écrivez le message du bandeau."},
    )
    colour = forms.ChoiceField(
        label="Couleur", choices=Colour.choices, initial=Colour.RED, widget=forms.RadioSelect
    )
    audience = forms.ChoiceField(
        label="S'adresse à",
        choices=Audience.choices,
        initial=Audience.ALL,
        widget=forms.RadioSelect,
    )
    expires_on = dates.DateField(
        label="Affiché jusqu'au",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Indiquez jusqu'à quand le bandeau est affiché."},
    )
    expires_time = forms.TimeField(
        label="à",
        initial=datetime.time(18, 0),
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={
            "required": "Indiquez l'heure de fin d'affichage.",
            "invalid": "Saisissez une heure, par exemple 18:00.",
        },
    )

    def __init__(
        self, *args: object, schools: list[School], commune: bool, **kwargs: object
    ) -> None:
        super().__init__(*args, schools=schools, commune=commune, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("expires_on", timezone.localdate())

    def expires_at(self) -> datetime.datetime:
        return _at(self.cleaned_data["expires_on"], self.cleaned_data["expires_time"])
