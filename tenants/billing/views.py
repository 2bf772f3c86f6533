"""Billing pages. Every read goes through a scoped selector, the scope built from the host
(see ``permissions``: the base domain gives the groupement, a commune's host that commune).

Two audiences share these URLs (included under ``facturation/`` on both kinds of host):

* the groupement's coordinator, on the base domain, with a verified second factor: the
  contract and its notice, the price schedule, purchase orders, invoices and credit notes
  of every commune;
* a commune administrator, on their commune's subdomain: their commune's contract timeline,
  prices, orders and invoices, read-only. Another commune's order or invoice is a 404.

Writes call one service each, which records the audit event in its own transaction (the
public schema's audit log, where coordinators' logins are recorded too): a page parses the
form, calls the service with ``by=Requester.of(request)`` and renders the outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.models import User
from apps.french import formatting
from tenants.audited import Requester
from tenants.billing import selectors, services
from tenants.billing.exports import invoice_pdf, invoices_csv
from tenants.billing.forms import (
    ContractNoticeForm,
    InvoiceCancelForm,
    OrderFilterForm,
    OrderInvoiceForm,
    OrderLineFormSet,
    PriceRevisionForm,
    PurchaseOrderForm,
)
from tenants.billing.models import (
    Contract,
    ContractStatus,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    PriceLine,
    PriceRevision,
    PurchaseOrder,
    PurchaseOrderStatus,
)
from tenants.billing.permissions import BillingScope, groupement_scope, host_scope
from tenants.models import Commune

T = TypeVar("T")

# Nine communes billed monthly make about a hundred invoices a year: lists go by pages.
ROWS_PER_PAGE = 25


def _coordinator(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # groupement_scope has let an authenticated user through
        raise PermissionDenied("Réservé aux coordinateurs du groupement.")
    return user


def _first_error(error: ValidationError) -> str:
    return error.messages[0] if error.messages else "Opération impossible."


def _write_or_refuse(form: forms.Form, write: Callable[[], T]) -> T | None:
    """Call ``write`` (one service, audited in its own transaction). A billing rule it breaks
    becomes the form's one error, and nothing is written (None)."""
    try:
        return write()
    except ValidationError as error:
        form.add_error(None, _first_error(error))
        return None


# --- home ------------------------------------------------------------------------------------


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """On a commune's host, the administrator's billing page; on the base domain, the
    coordinator's invoices."""
    scope = host_scope(request)
    if scope.is_groupement_wide:  # the base domain
        return redirect("billing:invoices")
    today = timezone.localdate()
    orders = selectors.purchase_orders_priced(
        scope=scope, orders=selectors.purchase_order_listing(scope=scope), on=today
    )
    invoices = Paginator(selectors.invoice_listing(scope=scope), ROWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "billing/commune_home.html",
        {
            "contracts": list(selectors.contract_timeline_list(scope=scope)),
            "price_lines": selectors.price_schedule(scope=scope, on=today),
            "orders": orders,
            "invoices": list(invoices.object_list),
            "page": invoices,
            "today": today,
        },
    )


# --- the contract ----------------------------------------------------------------------------


def _contract_page(
    request: HttpRequest,
    scope: BillingScope,
    *,
    bound: tuple[int, ContractNoticeForm] | None = None,
    error: tuple[int, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    entries = []
    for contract in selectors.contract_list(scope=scope).order_by("-notified_on", "pk"):
        form = None
        if contract.status == ContractStatus.ACTIVE:
            if bound is not None and bound[0] == contract.pk:
                form = bound[1]
            else:
                form = ContractNoticeForm(contract=contract, prefix=f"marche-{contract.pk}")
        refusal = error[1] if error is not None and error[0] == contract.pk else None
        entries.append({"contract": contract, "form": form, "error": refusal})
    return render(request, "billing/contract_timeline.html", {"entries": entries}, status=status)


@require_GET
@login_required
def contract_timeline(request: HttpRequest) -> HttpResponse:
    return _contract_page(request, groupement_scope(request))


@require_POST
@login_required
def contract_notice(request: HttpRequest, contract_id: int) -> HttpResponse:
    scope = groupement_scope(request)
    try:
        contract = selectors.contract_list(scope=scope).get(pk=contract_id)
    except Contract.DoesNotExist:
        raise Http404("Marché introuvable.") from None
    if contract.status != ContractStatus.ACTIVE:
        return _contract_page(
            request,
            scope,
            error=(contract.pk, "La résiliation de ce marché est déjà enregistrée."),
            status=400,
        )
    form = ContractNoticeForm(request.POST, contract=contract, prefix=f"marche-{contract.pk}")
    if form.is_valid():
        noticed = _write_or_refuse(
            form,
            lambda: services.contract_end_notice(
                contract=contract,
                letter_date=form.cleaned_data["letter_date"],
                by=Requester.of(request),
            ),
        )
        if noticed is not None:
            contract = noticed
            messages.success(
                request,
                f"Résiliation enregistrée : le marché {contract.reference} prend fin le "
                f"{formatting.date_courte(contract.end_date)}.",
            )
            return redirect("billing:contract_timeline")
    # The page is built from the database again: the contract shown is the one stored.
    return _contract_page(request, scope, bound=(contract_id, form), status=400)


# --- the price schedule ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def price_schedule(request: HttpRequest) -> HttpResponse:
    scope = groupement_scope(request)
    form = PriceRevisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            line: PriceLine = data["price_line"]

            revision: PriceRevision | None = _write_or_refuse(
                form,
                lambda: services.price_revision_create(
                    price_line=line,
                    unit_price_ht=data["unit_price_ht"],
                    vat_rate=data["vat_rate"],
                    valid_from=data["valid_from"],
                    by=Requester.of(request),
                ),
            )
            if revision is not None:
                messages.success(
                    request,
                    f"Nouveau prix de {line.code} enregistré : "
                    f"{formatting.euros(revision.unit_price_ht)} HT à partir du "
                    f"{formatting.date_courte(revision.valid_from)}.",
                )
                return redirect("billing:price_schedule")
        status = 400
    today = timezone.localdate()
    return render(
        request,
        "billing/price_schedule.html",
        {"rows": selectors.price_schedule(scope=scope, on=today), "form": form, "today": today},
        status=status,
    )


# --- purchase orders -------------------------------------------------------------------------


@require_GET
@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    scope = groupement_scope(request)
    communes = selectors.billable_communes(scope=scope)
    filters = OrderFilterForm(request.GET or None, communes=communes)
    commune_id, status = None, None
    if filters.is_valid():
        chosen = filters.cleaned_data["commune"]
        commune_id = chosen.pk if chosen is not None else None
        status = filters.cleaned_data["status"] or None
    today = timezone.localdate()
    page = Paginator(
        selectors.purchase_order_listing(scope=scope, commune_id=commune_id, status=status),
        ROWS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    orders = selectors.purchase_orders_priced(scope=scope, orders=page.object_list, on=today)
    return render(
        request,
        "billing/order_list.html",
        {"orders": orders, "page": page, "filters": filters, "today": today},
    )


@require_http_methods(["GET", "POST"])
@login_required
def order_create(request: HttpRequest) -> HttpResponse:
    scope = groupement_scope(request)
    communes = selectors.billable_communes(scope=scope)
    form = PurchaseOrderForm(request.POST or None, communes=communes)
    lines = OrderLineFormSet(request.POST or None, prefix="lignes")
    if request.method == "POST":
        if form.is_valid() and lines.is_valid():
            specs = [
                services.OrderLineSpec(
                    price_line=data["price_line"],
                    quantity=data["quantity"],
                    rubrique=data["rubrique"],
                    nature=data["nature"],
                )
                for data in lines.cleaned_data
                if data
            ]
            commune: Commune = form.cleaned_data["commune"]
            order = _write_or_refuse(
                form,
                lambda: services.purchase_order_create(
                    commune=commune, lines=specs, by=Requester.of(request)
                ),
            )
            if order is not None:
                messages.success(request, f"Bon de commande n° {order.pk} créé (brouillon).")
                return redirect("billing:order_detail", order_id=order.pk)
    return render(
        request,
        "billing/order_form.html",
        {"form": form, "lines": lines},
        status=400 if request.method == "POST" else 200,
    )


def _order_of_scope(scope: BillingScope, order_id: int) -> PurchaseOrder:
    try:
        return selectors.purchase_order_get(scope=scope, order_id=order_id)
    except PurchaseOrder.DoesNotExist:
        raise Http404("Bon de commande introuvable.") from None


def _order_page(
    request: HttpRequest,
    scope: BillingScope,
    order: PurchaseOrder,
    *,
    invoice_form: OrderInvoiceForm | None = None,
    error: str | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    can_manage = scope.is_groupement_wide
    if can_manage and invoice_form is None and order.status == PurchaseOrderStatus.DELIVERED:
        invoice_form = OrderInvoiceForm(initial={"issued_on": today})
    return render(
        request,
        "billing/order_detail.html",
        {
            "priced": selectors.purchase_orders_priced(scope=scope, orders=[order], on=today)[0],
            "order": order,
            "can_manage": can_manage,
            "invoice_form": invoice_form,
            "error": error,
            "today": today,
        },
        status=status,
    )


@require_GET
@login_required
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    scope = host_scope(request)
    return _order_page(request, scope, _order_of_scope(scope, order_id))


def _order_step(
    request: HttpRequest,
    order_id: int,
    *,
    move: Callable[[PurchaseOrder], PurchaseOrder],
    done: str,
) -> HttpResponse:
    """One step of an order's life (issue, deliver): ``move`` calls the audited service."""
    scope = groupement_scope(request)
    order = _order_of_scope(scope, order_id)
    try:
        order = move(order)
    except ValidationError as error:
        return _order_page(
            request, scope, _order_of_scope(scope, order_id), error=_first_error(error), status=400
        )
    messages.success(request, f"Bon de commande n° {order.pk} {done}.")
    return redirect("billing:order_detail", order_id=order.pk)


@require_POST
@login_required
def order_issue(request: HttpRequest, order_id: int) -> HttpResponse:
    return _order_step(
        request,
        order_id,
        move=lambda order: services.purchase_order_issue(
            order=order, issued_by=_coordinator(request), by=Requester.of(request)
        ),
        done="émis",
    )


@require_POST
@login_required
def order_deliver(request: HttpRequest, order_id: int) -> HttpResponse:
    return _order_step(
        request,
        order_id,
        move=lambda order: services.purchase_order_deliver(
            order=order, by=Requester.of(request)
        ),
        done="marqué comme livré",
    )


@require_POST
@login_required
def order_invoice(request: HttpRequest, order_id: int) -> HttpResponse:
    scope = groupement_scope(request)
    order = _order_of_scope(scope, order_id)
    form = OrderInvoiceForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        invoice = _write_or_refuse(
            form,
            lambda: services.invoice_create_from_order(
                order=order,
                period_start=data["period_start"],
                period_end=data["period_end"],
                issued_on=data["issued_on"],
                by=Requester.of(request),
            ),
        )
        if invoice is not None:
            messages.success(
                request,
                f"Facture {invoice.number} émise pour le bon de commande n° {order.pk} "
                f"({formatting.euros(invoice.total_ttc)} TTC).",
            )
            return redirect("billing:order_detail", order_id=order.pk)
    return _order_page(
        request, scope, _order_of_scope(scope, order_id), invoice_form=form, status=400
    )


# --- invoices --------------------------------------------------------------------------------


@require_GET
@login_required
def invoice_list(request: HttpRequest) -> HttpResponse:
    scope = groupement_scope(request)
    communes = selectors.billable_communes(scope=scope)
    filters = OrderFilterForm(request.GET or None, communes=communes)
    commune_id = None
    if filters.is_valid() and filters.cleaned_data["commune"] is not None:
        commune_id = filters.cleaned_data["commune"].pk
    page = Paginator(
        selectors.invoice_listing(scope=scope, commune_id=commune_id), ROWS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "billing/invoice_list.html",
        {"invoices": list(page.object_list), "page": page, "filters": filters},
    )


def _invoice_of_scope(scope: BillingScope, number: str) -> Invoice:
    try:
        return selectors.invoice_get(scope=scope, number=number)
    except Invoice.DoesNotExist:
        raise Http404("Facture introuvable.") from None


@require_http_methods(["GET", "POST"])
@login_required
def invoice_cancel(request: HttpRequest, number: str) -> HttpResponse:
    scope = groupement_scope(request)
    invoice = _invoice_of_scope(scope, number)
    form = InvoiceCancelForm(request.POST or None, initial={"issued_on": timezone.localdate()})
    refusal = None
    if invoice.kind != InvoiceKind.INVOICE:
        refusal = "Seule une facture s'annule par un avoir."
    elif invoice.status == InvoiceStatus.CANCELLED:
        refusal = "Cette facture est déjà annulée."
    elif request.method == "POST" and form.is_valid():
        credit_note = _write_or_refuse(
            form,
            lambda: services.invoice_cancel(
                invoice=invoice,
                issued_on=form.cleaned_data["issued_on"],
                reason=form.cleaned_data["reason"],
                by=Requester.of(request),
            ),
        )
        if credit_note is not None:
            messages.success(
                request, f"Facture {invoice.number} annulée par l'avoir {credit_note.number}."
            )
            return redirect("billing:invoices")
    return render(
        request,
        "billing/invoice_cancel.html",
        {"invoice": invoice, "form": form, "refusal": refusal},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@login_required
def invoice_pdf_download(request: HttpRequest, number: str) -> HttpResponse:
    scope = host_scope(request)
    invoice = _invoice_of_scope(scope, number)
    profile = selectors.billing_profile_for(scope=scope, commune_id=invoice.commune_id)
    response = HttpResponse(invoice_pdf(invoice=invoice, profile=profile), "application/pdf")
    response["Content-Disposition"] = f'attachment; filename="facture-{invoice.number}.pdf"'
    return response


@require_GET
@login_required
def invoices_csv_download(request: HttpRequest) -> HttpResponse:
    scope = host_scope(request)
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
