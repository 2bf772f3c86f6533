"""A commune administrator's billing page (their commune's host): the groupement's contract,
the prices, their own orders and invoices, and nothing of another commune."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from tenants.billing.models import Contract, Invoice, PriceLine, PurchaseOrder, PurchaseOrderStatus
from tenants.billing.services import (
    OrderLineSpec,
    contract_end_notice,
    invoice_cancel,
    invoice_create,
    invoice_create_from_order,
    purchase_order_create,
    purchase_order_deliver,
    purchase_order_issue,
)
from tenants.db import use_public_schema
from tenants.models import Commune
from tests.billing.conftest import SEPTEMBER, line
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def _admin(slug: str) -> User:
    with schema_context(slug):
        return User.objects.create_user(username=f"admin.{slug}", profile=Profile.COMMUNE_ADMIN)


def _order(commune: Commune, price_line: PriceLine, quantity: str = "40") -> PurchaseOrder:
    use_public_schema()
    return purchase_order_create(
        commune=commune,
        lines=[
            OrderLineSpec(
                price_line=price_line, quantity=Decimal(quantity), rubrique="020", nature="6156"
            )
        ],
    )


def _invoiced(commune: Commune, price_line: PriceLine, coordinator: User) -> Invoice:
    order = purchase_order_issue(order=_order(commune, price_line), issued_by=coordinator)
    order = purchase_order_deliver(order=order)
    return invoice_create_from_order(order=order, **SEPTEMBER)


def test_the_administrator_sees_their_communes_billing_and_nothing_of_another(
    verified_login: Callable[..., Client],
    coordinator: User,
    bordeaux_commune: Commune,
    pessac_commune: Commune,
    hosting: PriceLine,
) -> None:
    contract = Contract.objects.create(
        holder="Éditeur SAS", reference="2026-ENT-01", notified_on=datetime.date(2026, 3, 15)
    )
    contract_end_notice(contract=contract, letter_date=datetime.date(2027, 6, 1))
    own_draft = _order(bordeaux_commune, hosting, quantity="12")
    own_invoice = _invoiced(bordeaux_commune, hosting, coordinator)
    own_credit = invoice_cancel(
        invoice=own_invoice, issued_on=datetime.date(2026, 10, 5), reason="Doublon"
    )
    other_order = _order(pessac_commune, hosting)
    other_invoice = _invoiced(pessac_commune, hosting, coordinator)
    client = verified_login(_admin("bordeaux"), "bordeaux")

    response = client.get("/facturation/")

    assert response.status_code == 200
    html = unescape(response.content.decode())
    for text in [
        "2026-ENT-01 — Éditeur SAS",
        "1er octobre 2027</time>\n    — Fin effective",
        "HEB-01",
        "<strong>12,35\u00a0€</strong>",
        f'href="/facturation/bons-de-commande/{own_draft.pk}/"',
        f'href="/facturation/bons-de-commande/{own_invoice.purchase_order_id}/"',
        "12,00 × HEB-01 — Hébergement (020/6156)",
        "Brouillon",
        f'href="/facturation/factures/{own_invoice.number}.pdf"',
        f'href="/facturation/factures/{own_credit.number}.pdf"',
        f"Annulée par l'avoir {own_credit.number}",
        f"Annule la facture {own_invoice.number} — motif : Doublon",
        'href="/facturation/factures.csv"',
        '<a href="/facturation/" aria-current="page">Facturation</a>',
    ]:
        assert text in html, text
    assert f"/facturation/bons-de-commande/{other_order.pk}/" not in html
    assert other_invoice.number not in html
    assert "Pessac" not in html
    assert "Annuler par un avoir" not in html
    assert "<form" not in html.split("</header>")[1]  # read-only


def test_another_communes_order_or_invoice_is_a_404(
    verified_login: Callable[..., Client],
    coordinator: User,
    bordeaux_commune: Commune,
    pessac_commune: Commune,
    hosting: PriceLine,
) -> None:
    own = _invoiced(bordeaux_commune, hosting, coordinator)
    other = _invoiced(pessac_commune, hosting, coordinator)
    client = verified_login(_admin("bordeaux"), "bordeaux")

    own_order = client.get(f"/facturation/bons-de-commande/{own.purchase_order_id}/")
    assert own_order.status_code == 200
    assert "<td>494,00\u00a0€</td><td>592,80\u00a0€</td>" in own_order.content.decode()
    assert "Émettre" not in own_order.content.decode()
    assert client.get(f"/facturation/factures/{own.number}.pdf").status_code == 200
    for path in [
        f"/facturation/bons-de-commande/{other.purchase_order_id}/",
        f"/facturation/factures/{other.number}.pdf",
        "/facturation/bons-de-commande/999999/",
        "/facturation/factures/2026-999999.pdf",
    ]:
        assert client.get(path).status_code == 404, path
    assert other.number not in client.get("/facturation/factures.csv").content.decode()


def test_the_administrator_cannot_act_on_orders_or_invoices(
    verified_login: Callable[..., Client],
    coordinator: User,
    bordeaux_commune: Commune,
    hosting: PriceLine,
) -> None:
    draft = _order(bordeaux_commune, hosting)
    invoice = _invoiced(bordeaux_commune, hosting, coordinator)
    client = verified_login(_admin("bordeaux"), "bordeaux")

    issue = client.post(f"/facturation/bons-de-commande/{draft.pk}/emettre/")
    cancel = client.post(
        f"/facturation/factures/{invoice.number}/annuler/",
        {"issued_on": "2026-10-20", "reason": "Pas d'accord"},
    )

    assert issue.status_code == 404
    assert cancel.status_code == 404
    use_public_schema()
    draft.refresh_from_db()
    invoice.refresh_from_db()
    assert draft.status == PurchaseOrderStatus.DRAFT
    assert invoice.status == "issued"


def test_other_commune_people_get_no_billing_page(
    verified_login: Callable[..., Client], tenant_client: Callable[..., Client]
) -> None:
    with schema_context("bordeaux"):
        director = User.objects.create_user(username="dir", profile=Profile.DIRECTOR)
    client = verified_login(director, "bordeaux")

    assert client.get("/facturation/").status_code == 403
    assert tenant_client("bordeaux").get("/facturation/").status_code == 302


def _page_queries(client: Client) -> int:
    """The page's queries; the schema switch is left out, as it depends only on what the
    connection ran last (here, the test's own writes in public)."""
    with count_queries() as queries:
        response = client.get("/facturation/")
    assert response.status_code == 200
    return sum(not query["sql"].startswith("SET search_path") for query in queries)


def test_the_billing_page_costs_the_same_with_2_or_10_orders(
    verified_login: Callable[..., Client],
    coordinator: User,
    bordeaux_commune: Commune,
    hosting: PriceLine,
) -> None:
    training = PriceLine.objects.create(code="FOR-01", label="Formation", unit="training_day")
    _invoiced(bordeaux_commune, hosting, coordinator)
    _order(bordeaux_commune, training)
    client = verified_login(_admin("bordeaux"), "bordeaux")
    _page_queries(client)  # warm caches (content types, sessions)
    with_2 = _page_queries(client)
    for index in range(8):
        if index % 3 == 0:
            invoice = _invoiced(bordeaux_commune, hosting, coordinator)
            if index == 0:
                invoice_cancel(invoice=invoice, issued_on=datetime.date(2026, 10, 9), reason="x")
        else:
            _order(bordeaux_commune, training if index % 2 else hosting)

    with_10 = _page_queries(client)

    use_public_schema()
    assert PurchaseOrder.objects.filter(commune=bordeaux_commune).count() == 10
    assert with_10 == with_2


def test_the_administrators_invoices_go_by_pages(
    verified_login: Callable[..., Client], bordeaux_commune: Commune
) -> None:
    numbers = [
        invoice_create(commune=bordeaux_commune, lines=[line()], **SEPTEMBER).number
        for _ in range(27)
    ]
    client = verified_login(_admin("bordeaux"), "bordeaux")

    first = unescape(client.get("/facturation/").content.decode())
    second = unescape(client.get("/facturation/?page=2").content.decode())

    def listed(html: str) -> list[str]:
        return [n for n in numbers if f"/facturation/factures/{n}.pdf" in html]

    assert len(listed(first)) == 25 and len(listed(second)) == 2
    assert set(listed(first)) | set(listed(second)) == set(numbers)
    assert 'aria-label="Pages des factures"' in first
