"""The coordinator's set-up pages (base domain): record the contract, add lines to the price
schedule, fill in each commune's billing data. Without them no order line could be chosen
and no invoice issued; each write calls one service, which audits it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from apps.french.formatting import date_courte, euros
from tenants.audited import Requester
from tenants.billing import selectors, services
from tenants.billing.permissions import groupement_scope
from tenants.billing.setup_forms import BillingProfileForm, ContractForm, PriceLineForm
from tenants.billing.views import _write_or_refuse
from tenants.models import Commune


@require_http_methods(["GET", "POST"])
@login_required
def contract_create(request: HttpRequest) -> HttpResponse:
    groupement_scope(request)
    form = ContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        spec = services.ContractSpec(**form.cleaned_data)
        contract = _write_or_refuse(
            form, lambda: services.contract_create(spec=spec, by=Requester.of(request))
        )
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
        spec = services.PriceLineSpec(**form.cleaned_data)
        line = _write_or_refuse(
            form, lambda: services.price_line_create(spec=spec, by=Requester.of(request))
        )
        if line is not None:
            revision = line.revisions.get()
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
        spec = services.BillingProfileSpec(**form.cleaned_data)
        saved = _write_or_refuse(
            form,
            lambda: services.billing_profile_save(
                commune=commune, spec=spec, by=Requester.of(request)
            ),
        )
        if saved is not None:
            messages.success(request, f"Données de facturation de {commune.name} enregistrées.")
            return redirect("billing:profiles")
    return render(
        request,
        "billing/profile_form.html",
        {"form": form, "commune": commune, "profile": profile},
        status=400 if form.is_bound else 200,
    )
