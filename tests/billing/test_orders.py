from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.accounts.models import Profile, User
from tenants.billing.models import PriceLine, PurchaseOrder, PurchaseOrderStatus
from tenants.billing.services import (
    BillingError,
    OrderLineSpec,
    invoice_create_from_order,
    price_revision_create,
    purchase_order_create,
    purchase_order_deliver,
    purchase_order_issue,
)
from tenants.models import Commune

pytestmark = pytest.mark.django_db


def _order(commune: Commune, hosting: PriceLine, nature: str = "6156") -> PurchaseOrder:
    return purchase_order_create(
        commune=commune,
        lines=[
            OrderLineSpec(price_line=hosting, quantity=Decimal("40"), rubrique="020", nature=nature)
        ],
    )


def test_an_order_goes_draft_issued_delivered_invoiced(
    bordeaux_commune: Commune, hosting: PriceLine, coordinator: User
) -> None:
    order = _order(bordeaux_commune, hosting)
    assert order.status == PurchaseOrderStatus.DRAFT

    order = purchase_order_issue(order=order, issued_by=coordinator)
    assert order.status == PurchaseOrderStatus.ISSUED
    assert order.issued_by == coordinator
    assert order.issued_by_name == "Claire Coordinatrice"
    assert order.issued_at is not None

    order = purchase_order_deliver(order=order)
    assert order.status == PurchaseOrderStatus.DELIVERED

    invoice = invoice_create_from_order(
        order=order,
        period_start=datetime.date(2026, 9, 1),
        period_end=datetime.date(2026, 9, 30),
        issued_on=datetime.date(2026, 10, 2),
    )
    order.refresh_from_db()
    assert order.status == PurchaseOrderStatus.INVOICED
    assert invoice.purchase_order == order
    assert invoice.total_ht == Decimal("494.00")  # 40 × 12.35
    assert invoice.total_vat == Decimal("98.80")
    assert invoice.total_ttc == Decimal("592.80")


def test_a_draft_order_cannot_be_delivered_or_invoiced(
    bordeaux_commune: Commune, hosting: PriceLine
) -> None:
    order = _order(bordeaux_commune, hosting)

    with pytest.raises(BillingError):
        purchase_order_deliver(order=order)
    with pytest.raises(BillingError):
        invoice_create_from_order(
            order=order,
            period_start=datetime.date(2026, 9, 1),
            period_end=datetime.date(2026, 9, 30),
            issued_on=datetime.date(2026, 10, 2),
        )

    order.refresh_from_db()
    assert order.status == PurchaseOrderStatus.DRAFT
    assert not order.invoices.exists()


def test_an_issued_order_cannot_be_issued_again(
    bordeaux_commune: Commune, hosting: PriceLine, coordinator: User
) -> None:
    order = purchase_order_issue(order=_order(bordeaux_commune, hosting), issued_by=coordinator)

    with pytest.raises(BillingError):
        purchase_order_issue(order=order, issued_by=coordinator)


def test_only_a_coordinator_issues_an_order(bordeaux_commune: Commune, hosting: PriceLine) -> None:
    admin = User.objects.create_user(username="admin-b", profile=Profile.COMMUNE_ADMIN)
    order = _order(bordeaux_commune, hosting)

    with pytest.raises(BillingError):
        purchase_order_issue(order=order, issued_by=admin)

    order.refresh_from_db()
    assert order.status == PurchaseOrderStatus.DRAFT


def test_an_order_line_needs_an_allowed_nature_article(
    bordeaux_commune: Commune, hosting: PriceLine
) -> None:
    with pytest.raises(ValidationError):
        _order(bordeaux_commune, hosting, nature="6064")

    assert not PurchaseOrder.objects.exists()


def test_a_price_revision_applies_from_its_date(
    bordeaux_commune: Commune, hosting: PriceLine, coordinator: User
) -> None:
    price_revision_create(
        price_line=hosting,
        unit_price_ht=Decimal("13.00"),
        vat_rate=Decimal("20.00"),
        valid_from=datetime.date(2026, 10, 1),
    )
    order = purchase_order_deliver(
        order=purchase_order_issue(order=_order(bordeaux_commune, hosting), issued_by=coordinator)
    )

    invoice = invoice_create_from_order(
        order=order,
        period_start=datetime.date(2026, 9, 1),
        period_end=datetime.date(2026, 9, 30),
        issued_on=datetime.date(2026, 10, 2),
    )

    assert invoice.lines.get().unit_price_ht == Decimal("13.00")
