"""The editor's forms: they parse; the rules (contrast, addresses) are the services'."""

from __future__ import annotations

from typing import cast

from django import forms

from apps import dates
from apps.richtext.forms import rich_text_widget
from apps.richtext.sanitise import PUBLICATION
from apps.site.contrast import PALETTE

CUSTOM = "perso"


class ColoursForm(forms.Form):
    palette = forms.ChoiceField(
        label="Couleurs du bandeau",
        choices=[(str(n), name) for n, (_, _, name) in enumerate(PALETTE)]
        + [(CUSTOM, "Mes couleurs (ci-dessous)")],
        widget=forms.RadioSelect,
        initial=CUSTOM,
    )
    background = forms.RegexField(
        label="Couleur du fond",
        regex=r"^#[0-9a-fA-F]{6}$",
        error_messages={"invalid": "Choisissez une couleur au format #rrvvbb."},
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    text = forms.RegexField(
        label="Couleur du texte",
        regex=r"^#[0-9a-fA-F]{6}$",
        error_messages={"invalid": "Choisissez une couleur au format #rrvvbb."},
        widget=forms.TextInput(attrs={"type": "color"}),
    )

    def pair(self) -> tuple[str, str]:
        """(background, text): the palette's pair, or the pickers'."""
        choice = self.cleaned_data["palette"]
        if choice != CUSTOM:
            background, text, _ = PALETTE[int(choice)]
            return background, text
        return self.cleaned_data["background"], self.cleaned_data["text"]


class LogoForm(forms.Form):
    logo = forms.FileField(
        label="Image du logo",
        required=False,
        help_text="PNG, JPEG, WebP ou GIF, 2 Mo au plus.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}
        ),
    )
    remove = forms.BooleanField(label="Retirer le logo", required=False)


class PlaceForm(forms.Form):
    parent = forms.TypedChoiceField(
        label="Place dans le site", coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args: object, parents: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        parent = cast(forms.ChoiceField, self.fields["parent"])
        parent.choices = [("", "Au premier niveau (menu du site)")] + [
            (pk, f"Sous « {title} »") for pk, title in parents
        ]


class PageAddForm(PlaceForm):
    title = forms.CharField(label="Titre de la nouvelle page", max_length=120)
    field_order = ["title", "parent"]


class PageForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=120)
    slug = forms.CharField(
        label="Adresse de la page",
        max_length=80,
        required=False,
        help_text="Lettres sans accents, chiffres et tirets ; vide : tirée du titre.",
    )
    body = forms.CharField(
        label="Texte",
        required=False,
        # data-rich-text: the textarea static/js/rich-text.js replaces with the editor.
        widget=rich_text_widget(rows=12, profile=PUBLICATION),
    )
    published = forms.BooleanField(label="Page publiée", required=False)


class AuditForm(forms.Form):
    audit_on = dates.DateField(
        label="Date de l'audit",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    rate = forms.IntegerField(
        label="Taux de conformité (%)",
        help_text="Le pourcentage de critères RGAA respectés, selon le rapport d'audit.",
        required=False,
        min_value=0,
        max_value=100,
        error_messages={
            "invalid": "Le taux de conformité est un nombre entier, de 0 à 100.",
            "min_value": "Le taux de conformité est un pourcentage, de 0 à 100.",
            "max_value": "Le taux de conformité est un pourcentage, de 0 à 100.",
        },
    )
    by = forms.CharField(label="Audit réalisé par", max_length=200, required=False)
    failures = forms.CharField(
        label="Non-conformités et dérogations",
        help_text="Ce que l'audit a relevé, tel que le rapport le dit : la déclaration le publie.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
