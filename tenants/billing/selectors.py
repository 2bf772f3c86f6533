"""Reads of billing data. Every selector takes a ``BillingScope``; the only unscoped read is
``dangerously_all_invoices``, which no view or API may use."""

from __future__ import annotations

from django.db.models import QuerySet

from tenants.billing.models import (
    CommuneBillingProfile,
    Contract,
    Invoice,
    PurchaseOrder,
)
from tenants.billing.permissions import BillingScope


def _check(scope: BillingScope) -> None:
    if not isinstance(scope, BillingScope):
        raise TypeError("a BillingScope is required")


def _scoped(queryset: QuerySet, scope: BillingScope, field: str = "commune_id") -> QuerySet:
    _check(scope)
    if scope.commune_ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": scope.commune_ids})


def invoice_list(*, scope: BillingScope) -> QuerySet[Invoice]:
    return _scoped(Invoice.objects.select_related("commune"), scope).order_by("year", "sequence")


def invoice_get(*, scope: BillingScope, number: str) -> Invoice:
    """The invoice with its lines; ``Invoice.DoesNotExist`` alike for missing and forbidden."""
    return (
        invoice_list(scope=scope)
        .select_related("credited_invoice", "credit_note")
        .prefetch_related("lines")
        .get(number=number)
    )


def purchase_order_list(*, scope: BillingScope) -> QuerySet[PurchaseOrder]:
    return _scoped(
        PurchaseOrder.objects.select_related("commune").prefetch_related("lines__price_line"),
        scope,
    )


def billing_profile_for(*, scope: BillingScope, commune_id: int) -> CommuneBillingProfile | None:
    return (
        _scoped(CommuneBillingProfile.objects.select_related("commune"), scope)
        .filter(commune_id=commune_id)
        .first()
    )


def billing_profile_list(*, scope: BillingScope) -> QuerySet[CommuneBillingProfile]:
    return _scoped(CommuneBillingProfile.objects.select_related("commune"), scope)


def contract_list(*, scope: BillingScope) -> QuerySet[Contract]:
    """The contract is the groupement's business: only a groupement-wide scope sees it."""
    _check(scope)
    if not scope.is_groupement_wide:
        return Contract.objects.none()
    return Contract.objects.all()


def dangerously_all_invoices() -> QuerySet[Invoice]:
    """Every commune's invoices, unscoped: for maintenance scripts, never for a view."""
    return Invoice.objects.select_related("commune").order_by("year", "sequence")
