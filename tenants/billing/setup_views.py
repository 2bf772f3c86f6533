"""The coordinator's set-up pages (base domain): record the contract, add lines to the price
schedule, fill in each commune's billing data. Without them no order line could be chosen
and no invoice issued; each write calls one service and is audited with it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from apps.french.formatting import date_courte, euros
from tenants.billing import selectors, services
from tenants.billing.models import CommuneBillingProfile, Contract, PriceRevision
from tenants.billing.permissions import groupement_scope
from tenants.billing.setup_forms import BillingProfileForm, ContractForm, PriceLineForm
from tenants.billing.views import _audit, _write_or_refuse
from tenants.models import Commune


@require_http_methods(["GET", "POST"])
@login_required
def contract_create(request: HttpRequest) -> HttpResponse:
    groupement_scope(request)
    form = ContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def write_contract() -> Contract:
            contract = services.contract_create(spec=services.ContractSpec(**data))
            _audit(
                request,
                "billing.contract_create",
                contract.reference,
                holder=contract.holder,
                notified_on=contract.notified_on,
                duration_months=contract.duration_months,
            )
            return contract

        contract = _write_or_refuse(form, write_contract)
        if contract is not None:
            messages.success(
                request,
                f"Marché {contract.reference} enregistré : il court du "
                f"{date_courte(contract.notified_on)} au {date_courte(contract.natural_end_date)}.",
            )
            return redirect("billing:contract_timeline")
    return render(
        request,
        "billing/contract_form.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def price_line_create(request: HttpRequest) -> HttpResponse:
    groupement_scope(request)
    form = PriceLineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def write_line() -> PriceRevision:
            line = services.price_line_create(spec=services.PriceLineSpec(**data))
            revision = line.revisions.get()
            _audit(
                request,
                "billing.price_line_create",
                line.code,
                label=line.label,
                unit=line.unit,
                unit_price_ht=revision.unit_price_ht,
                vat_rate=revision.vat_rate,
                valid_from=revision.valid_from,
            )
            return revision

        revision = _write_or_refuse(form, write_line)
        if revision is not None:
            line = revision.price_line
            messages.success(
                request,
                f"Ligne {line.code} ajoutée au bordereau : {euros(revision.unit_price_ht)} HT "
                f"{line.get_unit_display()} à partir du {date_courte(revision.valid_from)}.",
            )
            return redirect("billing:price_schedule")
    return render(
        request,
        "billing/price_line_form.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


@require_GET
@login_required
def billing_profiles(request: HttpRequest) -> HttpResponse:
    scope = groupement_scope(request)
    profiles = {p.commune_id: p for p in selectors.billing_profile_list(scope=scope)}
    rows = [
        {"commune": commune, "profile": profiles.get(commune.pk)}
        for commune in selectors.billable_communes(scope=scope)
    ]
    return render(
        request,
        "billing/profile_list.html",
        {"rows": rows, "missing": sum(1 for row in rows if row["profile"] is None)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def billing_profile_edit(request: HttpRequest, commune_id: int) -> HttpResponse:
    scope = groupement_scope(request)
    try:
        commune = selectors.billable_communes(scope=scope).get(pk=commune_id)
    except Commune.DoesNotExist:
        raise Http404("Commune introuvable.") from None
    profile = selectors.billing_profile_for(scope=scope, commune_id=commune.pk)
    form = BillingProfileForm(
        request.POST or None, initial=BillingProfileForm.initial_from(profile)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def write_profile() -> CommuneBillingProfile:
            saved = services.billing_profile_save(
                commune=commune, spec=services.BillingProfileSpec(**data)
            )
            _audit(
                request,
                "billing.profile_save",
                commune.schema_name,
                siret=saved.siret,
                hosting_price_line=(
                    saved.hosting_price_line.code if saved.hosting_price_line else None
                ),
                imputation=f"{saved.hosting_rubrique}/{saved.hosting_nature}",
            )
            return saved

        if _write_or_refuse(form, write_profile) is not None:
            messages.success(request, f"Données de facturation de {commune.name} enregistrées.")
            return redirect("billing:profiles")
    return render(
        request,
        "billing/profile_form.html",
        {"form": form, "commune": commune, "profile": profile},
        status=400 if form.is_bound else 200,
    )
