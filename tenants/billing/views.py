"""Billing pages. Every read goes through a scoped selector (see ``permissions``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tenants.billing import selectors
from tenants.billing.exports import invoice_pdf, invoices_csv
from tenants.billing.models import Invoice
from tenants.billing.permissions import BillingScope, billing_scope_for


def _scope(request: HttpRequest) -> BillingScope:
    # On a commune's subdomain the commune comes from the host; on the base domain it is None.
    return billing_scope_for(user=request.user, commune=getattr(request, "commune", None))


@require_GET
@login_required
def contract_timeline(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    if not scope.is_groupement_wide:
        raise PermissionDenied("Réservé aux coordinateurs du groupement.")
    contracts = list(selectors.contract_list(scope=scope))
    return render(request, "billing/contract_timeline.html", {"contracts": contracts})


@require_GET
@login_required
def invoice_pdf_download(request: HttpRequest, number: str) -> HttpResponse:
    scope = _scope(request)
    try:
        invoice = selectors.invoice_get(scope=scope, number=number)
    except Invoice.DoesNotExist:
        raise Http404("Facture introuvable.") from None
    profile = selectors.billing_profile_for(scope=scope, commune_id=invoice.commune_id)
    response = HttpResponse(invoice_pdf(invoice=invoice, profile=profile), "application/pdf")
    response["Content-Disposition"] = f'attachment; filename="facture-{invoice.number}.pdf"'
    return response


@require_GET
@login_required
def invoices_csv_download(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    invoices = selectors.invoice_list(scope=scope).select_related("credited_invoice")
    invoices = invoices.prefetch_related("lines")
    profiles = {
        profile.commune_id: profile for profile in selectors.billing_profile_list(scope=scope)
    }
    response = HttpResponse(
        invoices_csv(invoices=invoices, profiles=profiles), "text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="factures.csv"'
    return response
