"""Reads of billing data. Every selector takes a ``BillingScope``; the only unscoped read is
``dangerously_all_invoices``, which no view or API may use."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from tenants.billing.models import (
    CommuneBillingProfile,
    Contract,
    Invoice,
    PriceLine,
    PriceRevision,
    PurchaseOrder,
    PurchaseOrderLine,
)
from tenants.billing.money import round_cents, vat_amount
from tenants.billing.permissions import BillingScope
from tenants.models import Commune
from tenants.selectors import communes as every_commune


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


# --- pages: the coordinator's and the commune administrator's -------------------------------


def contract_timeline_list(*, scope: BillingScope) -> QuerySet[Contract]:
    """The contracts whose timeline a scope may read. Every member commune runs on the
    groupement's contract, so its administrator reads the timeline too; acting on it (the
    notice) stays groupement-wide, through ``contract_list``."""
    _check(scope)
    return Contract.objects.order_by("-notified_on", "pk")


@dataclass(frozen=True)
class ScheduledRevision:
    revision: PriceRevision
    is_current: bool  # the price in force on the day asked for
    is_future: bool  # applies after that day


@dataclass(frozen=True)
class ScheduledPrice:
    line: PriceLine
    current: PriceRevision | None  # None: no price in force yet
    revisions: list[ScheduledRevision]  # oldest first


def price_schedule(*, scope: BillingScope, on: datetime.date) -> list[ScheduledPrice]:
    """The price lines with their revisions, and which one is in force on ``on`` (two
    queries). The schedule is the groupement's and applies to every commune alike."""
    _check(scope)
    lines = PriceLine.objects.prefetch_related(
        Prefetch("revisions", queryset=PriceRevision.objects.order_by("valid_from"))
    ).order_by("code")
    schedule = []
    for line in lines:
        revisions = list(line.revisions.all())
        current = _revision_in_force(revisions, on=on)
        schedule.append(
            ScheduledPrice(
                line=line,
                current=current,
                revisions=[
                    ScheduledRevision(
                        revision=revision,
                        is_current=revision is current,
                        is_future=revision.valid_from > on,
                    )
                    for revision in revisions
                ],
            )
        )
    return schedule


def _revision_in_force(
    revisions: Iterable[PriceRevision], *, on: datetime.date
) -> PriceRevision | None:
    """The latest revision applying on ``on`` among already loaded ``revisions`` (no query):
    the rule of ``services.price_in_force``."""
    applying = [revision for revision in revisions if revision.valid_from <= on]
    return max(applying, key=lambda revision: revision.valid_from, default=None)


def purchase_order_listing(
    *,
    scope: BillingScope,
    commune_id: int | None = None,
    status: str | None = None,
) -> QuerySet[PurchaseOrder]:
    """Orders of the scope, newest first, with their lines, prices and invoices prefetched:
    a page of them costs the same number of queries whatever their count."""
    orders = purchase_order_list(scope=scope).prefetch_related(
        Prefetch("lines__price_line__revisions", queryset=PriceRevision.objects.all()),
        Prefetch("invoices", queryset=Invoice.objects.order_by("year", "sequence")),
    )
    if commune_id is not None:
        orders = orders.filter(commune_id=commune_id)
    if status:
        orders = orders.filter(status=status)
    return orders.order_by("-created_at", "-pk")


def purchase_order_get(*, scope: BillingScope, order_id: int) -> PurchaseOrder:
    """One order of the scope; ``PurchaseOrder.DoesNotExist`` alike for missing and forbidden."""
    return purchase_order_listing(scope=scope).get(pk=order_id)


@dataclass(frozen=True)
class PricedOrderLine:
    line: PurchaseOrderLine
    revision: PriceRevision | None  # None: no price in force on the day
    amount_ht: Decimal | None
    amount_ttc: Decimal | None


@dataclass(frozen=True)
class PricedOrder:
    """An order valued at the prices in force on ``on`` (an estimate: the invoice copies the
    prices of its own issue date)."""

    order: PurchaseOrder
    on: datetime.date
    lines: list[PricedOrderLine]

    @property
    def is_complete(self) -> bool:
        return all(line.revision is not None for line in self.lines)

    @property
    def total_ht(self) -> Decimal:
        return sum((line.amount_ht or Decimal("0.00") for line in self.lines), Decimal("0.00"))

    @property
    def total_ttc(self) -> Decimal:
        return sum((line.amount_ttc or Decimal("0.00") for line in self.lines), Decimal("0.00"))


def purchase_orders_priced(
    *, scope: BillingScope, orders: Iterable[PurchaseOrder], on: datetime.date
) -> list[PricedOrder]:
    """``orders`` (from ``purchase_order_listing``, the scope's) at the prices in force on
    ``on``, from what was prefetched: no query beyond the listing's own."""
    _check(scope)
    return [_priced(order, on) for order in orders]


def _priced(order: PurchaseOrder, on: datetime.date) -> PricedOrder:
    lines = []
    for line in order.lines.all():
        revision = _revision_in_force(line.price_line.revisions.all(), on=on)
        if revision is None:
            lines.append(PricedOrderLine(line=line, revision=None, amount_ht=None, amount_ttc=None))
            continue
        amount_ht = round_cents(line.quantity * revision.unit_price_ht)
        amount_vat = vat_amount(amount_ht, revision.vat_rate)
        lines.append(
            PricedOrderLine(
                line=line, revision=revision, amount_ht=amount_ht, amount_ttc=amount_ht + amount_vat
            )
        )
    return PricedOrder(order=order, on=on, lines=lines)


def invoice_listing(*, scope: BillingScope, commune_id: int | None = None) -> QuerySet[Invoice]:
    """Invoices and credit notes of the scope, newest first, each with the invoice it cancels
    or the credit note that cancelled it (no query per row)."""
    invoices = invoice_list(scope=scope).select_related("credited_invoice", "credit_note")
    if commune_id is not None:
        invoices = invoices.filter(commune_id=commune_id)
    return invoices.order_by("-year", "-sequence")


def billable_communes(*, scope: BillingScope) -> QuerySet[Commune]:
    """The communes of the scope that can be billed: any but the public and template
    schemas (a suspended commune still receives its last invoices)."""
    return _scoped(every_commune().order_by("name"), scope, field="pk")
