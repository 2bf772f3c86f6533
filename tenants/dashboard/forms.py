"""The cost-sharing form (GET): an HT amount, a VAT rate in percent, a reference date."""

from __future__ import annotations

from decimal import Decimal

from django import forms


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
    date = forms.DateField(
        label="Date du relevé des classes",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def vat_fraction(self) -> Decimal:
        return self.cleaned_data["vat"] / Decimal(100)
