"""Forms of the coordinator's usage-billing pages: the month to bill, a shared cost."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms

from apps import dates
from tenants.billing.models import NATURE_CHOICES, PriceLine
from tenants.billing.validators import validate_rubrique


def _date_field(label: str, *, required: bool = True) -> forms.DateField:
    return dates.DateField(
        label=label,
        required=required,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class UsageMonthForm(forms.Form):
    mois = forms.CharField(
        label="Mois facturé",
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "AAAA-MM"}),
    )
    date_emission = _date_field("Date d'émission des factures", required=False)

    def clean_mois(self) -> datetime.date:
        # Bounded (unlike the operator's command): the month's pages count its days, and a
        # month of year 9999 has no day after its last.
        try:
            return dates.parse_month(self.cleaned_data["mois"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class SharedCostForm(forms.Form):
    label = forms.CharField(label="Désignation", max_length=200)
    price_line = forms.ModelChoiceField(
        label="Ligne du bordereau (facultatif)",
        queryset=PriceLine.objects.order_by("code"),
        required=False,
        empty_label="— montant saisi —",
    )
    quantity = forms.DecimalField(
        label="Quantité (avec une ligne du bordereau)",
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        localize=True,
    )
    amount_ht = forms.DecimalField(
        label="Montant HT (€, sans ligne du bordereau)",
        required=False,
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        localize=True,
    )
    vat_rate = forms.DecimalField(
        label="Taux de TVA (%, sans ligne du bordereau)",
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        initial=Decimal("20"),
        localize=True,
    )
    reference_date = _date_field("Date du relevé des classes")
    period_start = _date_field("Période couverte : du")
    period_end = _date_field("au")
    rubrique = forms.CharField(
        label="Rubrique fonctionnelle", max_length=4, initial="020", validators=[validate_rubrique]
    )
    nature = forms.ChoiceField(label="Article de nature", choices=NATURE_CHOICES)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("price_line") is not None:
            if data.get("quantity") is None:
                self.add_error("quantity", "Indiquez la quantité de la ligne du bordereau.")
            if data.get("amount_ht") is not None:
                self.add_error("amount_ht", "Montant calculé depuis le bordereau : laissez vide.")
        else:
            if data.get("amount_ht") is None:
                self.add_error("amount_ht", "Indiquez le montant HT à répartir.")
            if data.get("vat_rate") is None:
                self.add_error("vat_rate", "Indiquez le taux de TVA.")
            if data.get("quantity") is not None:
                self.add_error("quantity", "Une quantité va avec une ligne du bordereau.")
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", "La période se termine avant de commencer.")
        return data
