"""The dashboard's forms: cost sharing (GET) and the correction of a class-count snapshot."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from apps import dates
from tenants.usage.models import COUNT_FIELDS, ClassCountSnapshot


class CostSharingForm(forms.Form):
    amount = forms.DecimalField(
        label="Montant HT à répartir (€)",
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        localize=True,
    )
    vat = forms.DecimalField(
        label="Taux de TVA (%)",
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        initial=Decimal("20"),
        localize=True,
    )
    date = dates.DateField(
        label="Date du relevé des classes",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _figure_label(name: str) -> str:
    return str(getattr(ClassCountSnapshot._meta.get_field(name), "verbose_name", name)).capitalize()


# "primary_classes" → "Classes primaires", for the form and the correction trail.
FIGURE_LABELS = {name: _figure_label(name) for name in COUNT_FIELDS}


class ClassCountCorrectionForm(forms.Form):
    """One figure of one commune's snapshot, set by the coordinator, with a reason."""

    date = dates.DateField(
        label="Date du relevé à corriger",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    field = forms.ChoiceField(
        label="Donnée",
        choices=list(FIGURE_LABELS.items()),
    )
    new_value = forms.IntegerField(
        label="Nouvelle valeur",
        min_value=0,
        max_value=100_000,
        error_messages={"min_value": "Un nombre de classes ou d'écoles n'est jamais négatif."},
    )
    reason = forms.CharField(
        label="Motif de la correction",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Indiquez le motif de la correction."},
    )

    def field_label(self) -> str:
        return FIGURE_LABELS[self.cleaned_data["field"]]
