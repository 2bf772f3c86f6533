"""Forms of the coordinator's set-up pages: the contract, the price schedule's lines and the
communes' billing data. They parse and check input; ``services`` writes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from tenants.billing.forms import _date_field, _money_field
from tenants.billing.models import NATURE_CHOICES, PriceLine, PriceUnit
from tenants.billing.validators import validate_rubrique, validate_siret

HOSTING_UNITS = (PriceUnit.CLASS_MONTH, PriceUnit.SCHOOL_MONTH)


class ContractForm(forms.Form):
    reference = forms.CharField(
        label="Référence du marché",
        max_length=60,
        help_text="Telle qu'elle figure sur l'acte d'engagement, par exemple 2026-ENT-01.",
    )
    holder = forms.CharField(label="Titulaire", max_length=200)
    notified_on = _date_field("Date de notification")
    duration_months = forms.IntegerField(
        label="Durée (mois)", min_value=1, max_value=120, initial=36
    )
    notice_months = forms.IntegerField(
        label="Préavis de résiliation (mois)", min_value=0, max_value=24, initial=4
    )


class PriceLineForm(forms.Form):
    code = forms.RegexField(
        label="Code",
        max_length=20,
        regex=r"^[A-Za-z0-9][A-Za-z0-9_-]*$",
        help_text="Lettres, chiffres et tirets, par exemple HEB-CLASSE.",
        error_messages={"invalid": "Le code ne contient que des lettres, chiffres et tirets."},
    )
    label = forms.CharField(label="Désignation", max_length=200)
    unit = forms.ChoiceField(label="Unité", choices=[("", "— choisir —"), *PriceUnit.choices])
    unit_price_ht = _money_field("Prix unitaire HT (€)", max_digits=12)
    vat_rate = _money_field(
        "Taux de TVA (%)", max_digits=5, max_value=Decimal("100"), initial=Decimal("20")
    )
    valid_from = _date_field("Prix applicable à partir du")


class BillingProfileForm(forms.Form):
    siret = forms.CharField(
        label="SIRET",
        max_length=20,
        help_text="14 chiffres, espaces permis.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    billing_address = forms.CharField(
        label="Adresse de facturation", widget=forms.Textarea(attrs={"rows": 3})
    )
    chorus_service_code = forms.CharField(
        label="Code service Chorus Pro",
        max_length=100,
        required=False,
        help_text="Facultatif : seulement si la commune en exige un.",
    )
    hosting_price_line = forms.ModelChoiceField(
        label="Tarif d'hébergement",
        queryset=PriceLine.objects.filter(unit__in=HOSTING_UNITS).order_by("code"),
        required=False,
        empty_label="— aucun : l'hébergement n'est pas facturé —",
    )
    hosting_rubrique = forms.CharField(
        label="Rubrique (hébergement)",
        max_length=4,
        initial="020",
        validators=[validate_rubrique],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
    )
    hosting_nature = forms.ChoiceField(
        label="Article de nature (hébergement)", choices=NATURE_CHOICES, initial="611"
    )

    def clean_siret(self) -> str:
        siret = "".join(self.cleaned_data["siret"].split())
        validate_siret(siret)
        return siret

    @classmethod
    def initial_from(cls, profile: Any) -> dict[str, Any]:
        if profile is None:
            return {}
        return {
            "siret": profile.siret,
            "billing_address": profile.billing_address,
            "chorus_service_code": profile.chorus_service_code,
            "hosting_price_line": profile.hosting_price_line_id,
            "hosting_rubrique": profile.hosting_rubrique,
            "hosting_nature": profile.hosting_nature,
        }
