"""Forms of the billing pages. They parse and check input; the services write."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from apps import dates
from apps.french import formatting
from tenants.billing.models import (
    NATURE_CHOICES,
    Contract,
    PriceLine,
    PriceRevision,
    PurchaseOrderStatus,
)
from tenants.billing.validators import validate_rubrique
from tenants.models import Commune

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _date_field(label: str, **kwargs: Any) -> forms.DateField:
    # Bounded like every date the ENT reads (apps/dates.py): a contract of year 9999 has no end.
    return dates.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


def _money_field(label: str, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=Decimal("0"), decimal_places=2, localize=True, **kwargs
    )


class ContractNoticeForm(forms.Form):
    letter_date = _date_field("Date de la lettre recommandée de résiliation")
    confirm = forms.BooleanField(
        label="Je confirme la résiliation du marché à cette date (elle ne peut pas être annulée "
        "depuis cette page)",
        error_messages={"required": "Cochez la case pour confirmer la résiliation."},
    )

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.contract = contract

    def clean_letter_date(self) -> datetime.date:
        letter_date: datetime.date = self.cleaned_data["letter_date"]
        if letter_date < self.contract.notified_on:
            raise forms.ValidationError(
                "La lettre de résiliation ne peut pas précéder la notification du marché "
                f"({formatting.date_courte(self.contract.notified_on)})."
            )
        return letter_date


class PriceRevisionForm(forms.Form):
    price_line = forms.ModelChoiceField(
        label="Ligne du bordereau",
        queryset=PriceLine.objects.order_by("code"),
        empty_label="— choisir —",
    )
    unit_price_ht = _money_field("Prix unitaire HT (€)", max_digits=12)
    vat_rate = _money_field(
        "Taux de TVA (%)", max_digits=5, max_value=Decimal("100"), initial=Decimal("20")
    )
    valid_from = _date_field("Applicable à partir du")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        line, valid_from = data.get("price_line"), data.get("valid_from")
        if line is not None and valid_from is not None:
            if PriceRevision.objects.filter(price_line=line, valid_from=valid_from).exists():
                raise forms.ValidationError(
                    f"{line.code} a déjà un prix applicable au "
                    f"{formatting.date_courte(valid_from)} : choisissez une autre date."
                )
        return data


class PurchaseOrderForm(forms.Form):
    commune = forms.ModelChoiceField(
        label="Commune", queryset=Commune.objects.none(), empty_label="— choisir —"
    )

    def __init__(self, *args: Any, communes: QuerySet[Commune], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes  # type: ignore[attr-defined]


class OrderLineForm(forms.Form):
    price_line = forms.ModelChoiceField(
        label="Ligne du bordereau",
        queryset=PriceLine.objects.order_by("code"),
        empty_label="— choisir —",
    )
    quantity = forms.DecimalField(
        label="Quantité",
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        localize=True,
        error_messages={"min_value": "La quantité doit être positive."},
    )
    rubrique = forms.CharField(
        label="Rubrique",
        max_length=4,
        validators=[validate_rubrique],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
    )
    # An empty first choice, so that a row left blank in the formset stays "unchanged".
    nature = forms.ChoiceField(
        label="Article de nature", choices=[("", "— choisir —"), *NATURE_CHOICES]
    )


class _OrderLineFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        if not any(form.cleaned_data for form in self.forms):
            raise forms.ValidationError("Un bon de commande compte au moins une ligne.")


OrderLineFormSet = forms.formset_factory(
    OrderLineForm, formset=_OrderLineFormSet, extra=3, max_num=20, validate_max=True
)


class OrderFilterForm(forms.Form):
    """The orders list's filters (GET); an unknown value is simply not applied."""

    commune = forms.ModelChoiceField(
        label="Commune", queryset=Commune.objects.none(), required=False, empty_label="Toutes"
    )
    status = forms.ChoiceField(
        label="Statut",
        choices=[("", "Tous"), *PurchaseOrderStatus.choices],
        required=False,
    )

    def __init__(self, *args: Any, communes: QuerySet[Commune], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes  # type: ignore[attr-defined]


class _PeriodForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start is not None and end is not None and start > end:
            raise forms.ValidationError("La période facturée commence après sa fin.")
        return data


class OrderInvoiceForm(_PeriodForm):
    period_start = _date_field("Début de la période facturée")
    period_end = _date_field("Fin de la période facturée")
    issued_on = _date_field("Date d'émission de la facture")


class InvoiceCancelForm(forms.Form):
    issued_on = _date_field("Date d'émission de l'avoir")
    reason = forms.CharField(
        label="Motif de l'annulation",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Indiquez le motif de l'annulation."},
    )
