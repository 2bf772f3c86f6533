"""The coordinator's usage-billing pages (base domain): the month's statements of every
commune and their invoices, and the shared costs to split.

Coordinators only, second factor verified: ``AccountSecurityMiddleware`` sends an
unverified session to its code first, and the guard below checks again, so these pages
never depend on a middleware being listed. Anyone else gets a 404, like the dashboard.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.models import User
from apps.accounts.security import two_factor
from tenants.audited import Requester
from tenants.billing import invoicing
from tenants.billing.models import SharedCost
from tenants.billing.permissions import BillingScope, groupement_scope
from tenants.billing.services import BillingError
from tenants.billing.usage_forms import SharedCostForm, UsageMonthForm


def _coordinator_scope(request: HttpRequest) -> BillingScope:
    # The usage pages answer a coordinator whose second factor is not verified with the same
    # 404 as anyone else (the middleware sends such a session to its code first anyway).
    if not two_factor.is_verified(request.user):
        raise Http404("Page introuvable.")
    return groupement_scope(request)


def _previous_month(today: datetime.date) -> datetime.date:
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


@require_http_methods(["GET", "POST"])
@login_required
def usage_statements(request: HttpRequest) -> HttpResponse:
    scope = _coordinator_scope(request)
    today = timezone.localdate()
    data: Mapping[str, Any] = request.POST if request.method == "POST" else request.GET
    if "mois" not in data:
        data = {"mois": f"{_previous_month(today):%Y-%m}", "date_emission": today.isoformat()}
    form = UsageMonthForm(data)
    if not form.is_valid():
        return render(
            request,
            "billing/usage_statements.html",
            {"form": form, "error": "Vérifiez le formulaire ci-dessous."},
            status=400,
        )
    month = form.cleaned_data["mois"]
    issued_on = form.cleaned_data["date_emission"] or today
    rows, error = None, None
    if request.method == "POST":
        try:
            rows = invoicing.usage_invoices_issue_month(
                month=month, issued_on=issued_on, by=Requester.of(request)
            )
        except BillingError as refusal:
            error = refusal.messages[0]
    outcomes = invoicing.month_statements(scope=scope, month=month)
    return render(
        request,
        "billing/usage_statements.html",
        {
            "form": form,
            "month": month,
            "month_label": invoicing.month_label(month),
            "outcomes": outcomes,
            "rows": rows,
            "error": error,
            "can_issue": any(outcome.statement for outcome in outcomes),
        },
        status=400 if error else 200,
    )


def _shared_costs_page(
    request: HttpRequest,
    scope: BillingScope,
    form: SharedCostForm,
    error: str | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "billing/usage_shared_costs.html",
        {"form": form, "costs": invoicing.shared_cost_list(scope=scope), "error": error},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def shared_costs(request: HttpRequest) -> HttpResponse:
    scope = _coordinator_scope(request)
    if request.method == "GET":
        return _shared_costs_page(request, scope, SharedCostForm())
    form = SharedCostForm(request.POST)
    if not form.is_valid():
        return _shared_costs_page(
            request, scope, form, "Vérifiez le formulaire ci-dessous.", status=400
        )
    try:
        invoicing.shared_cost_create(
            created_by=cast(User, request.user), by=Requester.of(request), **form.cleaned_data
        )
    except BillingError as refusal:
        return _shared_costs_page(request, scope, form, refusal.messages[0], status=400)
    return HttpResponseRedirect(reverse("billing:shared_costs"))


@require_POST
@login_required
def shared_cost_split(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _coordinator_scope(request)
    try:
        cost = invoicing.shared_cost_get(scope=scope, pk=pk)
    except SharedCost.DoesNotExist:
        raise Http404("Coût partagé introuvable.") from None
    try:
        invoicing.shared_cost_split(shared_cost=cost, by=Requester.of(request))
    except BillingError as refusal:
        return _shared_costs_page(request, scope, SharedCostForm(), refusal.messages[0], 400)
    return HttpResponseRedirect(f"{reverse('billing:shared_costs')}#cout-{cost.pk}")
