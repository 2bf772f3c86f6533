"""The forums' forms: a subject, a message, a category, a report. Plain text: line breaks are
kept when printed, nothing else."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms

from apps.forum.models import TEXT_MAX, Category


class SubjectForm(forms.Form):
    category = forms.TypedChoiceField(
        label="Catégorie",
        coerce=int,
        error_messages={"invalid_choice": "Choisissez une catégorie de ce forum."},
    )
    title = forms.CharField(
        label="Titre du sujet",
        max_length=160,
        error_messages={"required": "Donnez un titre au sujet."},
    )
    body = forms.CharField(
        label="Ton message",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Écrivez votre message."},
    )

    def __init__(
        self, *args: object, categories: Iterable[Category], pupil: bool, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["category"].choices = [(c.pk, c.title) for c in categories]  # type: ignore[attr-defined]
        if not pupil:
            self.fields["body"].label = "Votre message"


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Votre réponse",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Écrivez votre message."},
    )

    def __init__(self, *args: object, pupil: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if pupil:  # the pupil's screens say « tu », as the rest of their pages do
            self.fields["body"].label = "Ta réponse"


class CategoryForm(forms.Form):
    title = forms.CharField(
        label="Nom de la nouvelle catégorie",
        max_length=80,
        error_messages={"required": "Donnez un nom à la catégorie."},
    )


class ReportForm(forms.Form):
    reason = forms.CharField(label="Pourquoi ? (facultatif)", max_length=300, required=False)
