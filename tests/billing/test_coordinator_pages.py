"""The coordinator's billing pages (base domain): contract notice, price schedule, purchase
orders, invoices and credit notes. Every write is CSRF-protected, coordinator-only, and
leaves nothing behind when its input is refused."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from apps.audit.models import AuditEvent
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
from tenants.billing.services import (
    OrderLineSpec,
    invoice_create,
    invoice_create_from_order,
    price_revision_create,
    purchase_order_create,
    purchase_order_deliver,
    purchase_order_issue,
)
from tenants.db import use_public_schema
from tenants.models import Commune
from tests.billing.conftest import SEPTEMBER, line
from tests.conftest import SESSION_BACKEND
from tests.helpers import count_queries, database_state

pytestmark = pytest.mark.django_db

COORDINATOR_PAGES = [
    "/facturation/marche/",
    "/facturation/bordereau/",
    "/facturation/bons-de-commande/",
    "/facturation/bons-de-commande/nouveau/",
    "/facturation/factures/",
]


def _order(commune: Commune, price_line: PriceLine, quantity: str = "40") -> PurchaseOrder:
    return purchase_order_create(
        commune=commune,
        lines=[
            OrderLineSpec(
                price_line=price_line, quantity=Decimal(quantity), rubrique="020", nature="6156"
            )
        ],
    )


def _delivered(commune: Commune, price_line: PriceLine, coordinator: User) -> PurchaseOrder:
    order = purchase_order_issue(order=_order(commune, price_line), issued_by=coordinator)
    return purchase_order_deliver(order=order)


def _contract() -> Contract:
    return Contract.objects.create(
        holder="Éditeur SAS", reference="2026-ENT-01", notified_on=datetime.date(2026, 3, 15)
    )


def _text(response: Any) -> str:
    """The page as a reader sees it (entities such as &#x27; decoded)."""
    return unescape(response.content.decode())


def _events(action: str) -> list[AuditEvent]:
    use_public_schema()
    return list(AuditEvent.objects.filter(action=action))


# --- access ----------------------------------------------------------------------------------


def test_a_verified_coordinator_reaches_every_page_from_the_dashboard_navigation(
    base_login: Callable[[User], Client],
    coordinator: User,
    bordeaux_commune: Commune,
    hosting: PriceLine,
) -> None:
    _contract()
    order = _order(bordeaux_commune, hosting)
    invoice = invoice_create(commune=bordeaux_commune, lines=[line()], **SEPTEMBER)
    client = base_login(coordinator)

    dashboard = _text(client.get("/coordination/"))
    pages = [
        *COORDINATOR_PAGES,
        f"/facturation/bons-de-commande/{order.pk}/",
        f"/facturation/factures/{invoice.number}/annuler/",
    ]

    for path in COORDINATOR_PAGES:
        assert f'href="{path}"' in dashboard or path.endswith("nouveau/"), path
    for path in pages:
        assert client.get(path).status_code == 200, path
    home = client.get("/facturation/")
    assert home.status_code == 302
    assert home["Location"] == "/facturation/factures/"


def test_an_unverified_coordinator_is_sent_to_the_second_factor_and_changes_nothing(
    tenant_client: Callable[..., Client],
    coordinator: User,
    bordeaux_commune: Commune,
    hosting: PriceLine,
) -> None:
    order = _order(bordeaux_commune, hosting)
    client = tenant_client()
    client.force_login(coordinator, backend=SESSION_BACKEND)

    for path in COORDINATOR_PAGES:
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/facturation/" not in response["Location"].split("?")[0], path
    issued = client.post(f"/facturation/bons-de-commande/{order.pk}/emettre/")

    assert issued.status_code == 302
    order.refresh_from_db()
    assert order.status == PurchaseOrderStatus.DRAFT
    assert order.issued_by is None


def test_other_public_users_are_refused_and_commune_hosts_have_no_coordinator_pages(
    base_login: Callable[[User], Client],
    verified_login: Callable[..., Client],
    bordeaux_commune: Commune,
    hosting: PriceLine,
) -> None:
    use_public_schema()
    staff = User.objects.create_user(username="staff", profile=Profile.STAFF)
    order = _order(bordeaux_commune, hosting)
    with schema_context("bordeaux"):
        admin = User.objects.create_user(username="admin.b", profile=Profile.COMMUNE_ADMIN)
    staff_client = base_login(staff)
    admin_client = verified_login(admin, "bordeaux")

    for path in COORDINATOR_PAGES:
        # The groupement's pages do not exist for anyone but a coordinator (as the dashboard).
        assert staff_client.get(path).status_code == 404, path
        assert admin_client.get(path).status_code == 404, path
    for client in (staff_client, admin_client):
        response = client.post(f"/facturation/bons-de-commande/{order.pk}/emettre/")
        assert response.status_code in (403, 404)
    use_public_schema()
    order.refresh_from_db()
    assert order.status == PurchaseOrderStatus.DRAFT


def test_a_post_without_its_csrf_token_is_refused(
    base_login: Callable[[User], Client],
    coordinator: User,
    bordeaux_commune: Commune,
    hosting: PriceLine,
) -> None:
    order = _order(bordeaux_commune, hosting)
    client = base_login(coordinator)
    client.handler.enforce_csrf_checks = True

    response = client.post(f"/facturation/bons-de-commande/{order.pk}/emettre/")

    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == PurchaseOrderStatus.DRAFT


# --- the contract ----------------------------------------------------------------------------


def test_the_coordinator_records_the_notice_and_sees_the_effective_end(
    base_login: Callable[[User], Client], coordinator: User
) -> None:
    contract = _contract()
    client = base_login(coordinator)

    response = client.post(
        f"/facturation/marche/{contract.pk}/resiliation/",
        {f"marche-{contract.pk}-letter_date": "2027-06-01", f"marche-{contract.pk}-confirm": "on"},
        follow=True,
    )

    contract.refresh_from_db()
    assert contract.status == ContractStatus.NOTICE_GIVEN
    assert contract.notice_letter_date == datetime.date(2027, 6, 1)
    assert contract.effective_end_date == datetime.date(2027, 10, 1)
    html = _text(response)
    assert "le marché 2026-ENT-01 prend fin le 1er octobre 2027" in html
    assert "Fin effective : <time" in html
    assert "Enregistrer la résiliation" not in html  # recorded once
    [event] = _events("billing.contract_notice")
    assert event.actor_id == coordinator.pk
    assert event.details == {"letter_date": "2027-06-01", "effective_end_date": "2027-10-01"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"letter_date": "2027-06-01"}, "Cochez la case pour confirmer la résiliation."),
        (
            {"letter_date": "2026-01-10", "confirm": "on"},
            "La lettre de résiliation ne peut pas précéder la notification du marché",
        ),
        ({"letter_date": "pas une date", "confirm": "on"}, "Saisissez une date valide."),
    ],
)
def test_a_refused_notice_shows_one_error_and_changes_nothing(
    base_login: Callable[[User], Client],
    coordinator: User,
    data: dict[str, str],
    message: str,
) -> None:
    contract = _contract()
    prefixed = {f"marche-{contract.pk}-{key}": value for key, value in data.items()}

    response = base_login(coordinator).post(
        f"/facturation/marche/{contract.pk}/resiliation/", prefixed
    )

    assert response.status_code == 400
    assert message in _text(response)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
    assert contract.notice_letter_date is None
    assert not _events("billing.contract_notice")


def test_a_second_notice_is_refused(
    base_login: Callable[[User], Client], coordinator: User
) -> None:
    contract = _contract()
    client = base_login(coordinator)
    path = f"/facturation/marche/{contract.pk}/resiliation/"
    client.post(
        path,
        {f"marche-{contract.pk}-letter_date": "2027-06-01", f"marche-{contract.pk}-confirm": "on"},
    )

    again = client.post(
        path,
        {f"marche-{contract.pk}-letter_date": "2028-01-01", f"marche-{contract.pk}-confirm": "on"},
    )

    assert again.status_code == 400
    assert "La résiliation de ce marché est déjà enregistrée." in _text(again)
    contract.refresh_from_db()
    assert contract.notice_letter_date == datetime.date(2027, 6, 1)


# --- the price schedule ----------------------------------------------------------------------


def test_the_schedule_marks_the_price_in_force_and_the_future_one(
    base_login: Callable[[User], Client], coordinator: User
) -> None:
    today = timezone.localdate()
    training = PriceLine.objects.create(code="FOR-01", label="Formation", unit="training_day")
    for price, days in [("400.00", -400), ("450.00", -10), ("480.00", 30)]:
        price_revision_create(
            price_line=training,
            unit_price_ht=Decimal(price),
            vat_rate=Decimal("20.00"),
            valid_from=today + datetime.timedelta(days=days),
        )

    html = _text(base_login(coordinator).get("/facturation/bordereau/"))

    assert "<strong>450,00\u00a0€</strong>" in html
    current = html.index("450,00\u00a0€ HT")
    assert html.index("en vigueur", current) < html.index("480,00\u00a0€ HT")
    assert "à venir" in html[html.index("480,00\u00a0€ HT") :]
    assert "à venir" not in html[: html.index("480,00\u00a0€ HT")].split("<tbody>")[1]
    assert "Elle ne modifie jamais\n     une facture déjà émise" in html


def test_the_coordinator_adds_a_revision(
    base_login: Callable[[User], Client], coordinator: User, hosting: PriceLine
) -> None:
    response = base_login(coordinator).post(
        "/facturation/bordereau/",
        {
            "price_line": hosting.pk,
            "unit_price_ht": "13,10",
            "vat_rate": "20",
            "valid_from": "2027-01-01",
        },
        follow=True,
    )

    assert response.status_code == 200
    revision = hosting.revisions.get(valid_from=datetime.date(2027, 1, 1))
    assert revision.unit_price_ht == Decimal("13.10")
    assert "Nouveau prix de HEB-01 enregistré : 13,10\u00a0€ HT à partir du 1er janvier 2027." in (
        _text(response)
    )
    [event] = _events("billing.price_revision")
    assert event.target == "HEB-01"


def test_a_revision_dated_in_a_billed_period_never_rewrites_its_invoice(
    base_login: Callable[[User], Client],
    coordinator: User,
    bordeaux_commune: Commune,
    hosting: PriceLine,
) -> None:
    invoice = invoice_create_from_order(
        order=_delivered(bordeaux_commune, hosting, coordinator), **SEPTEMBER
    )
    lines_before = list(invoice.lines.values_list("unit_price_ht", "amount_ht", "amount_ttc"))

    response = base_login(coordinator).post(
        "/facturation/bordereau/",
        {
            "price_line": hosting.pk,
            "unit_price_ht": "99,00",
            "vat_rate": "20",
            "valid_from": "2026-09-01",
        },
    )

    assert response.status_code == 302
    invoice.refresh_from_db()
    assert (invoice.total_ht, invoice.total_ttc) == (Decimal("494.00"), Decimal("592.80"))
    assert list(invoice.lines.values_list("unit_price_ht", "amount_ht", "amount_ttc")) == (
        lines_before
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"unit_price_ht": "15", "vat_rate": "20", "valid_from": "2026-01-01"},
            "HEB-01 a déjà un prix applicable au 1er janvier 2026 : choisissez une autre date.",
        ),
        (
            {"unit_price_ht": "-1", "vat_rate": "20", "valid_from": "2027-01-01"},
            "Assurez-vous que cette valeur est supérieure ou égale à 0.",
        ),
        (
            {"unit_price_ht": "15", "vat_rate": "120", "valid_from": "2027-01-01"},
            "Assurez-vous que cette valeur est inférieure ou égale à 100.",
        ),
    ],
)
def test_a_refused_revision_shows_one_error_and_changes_nothing(
    base_login: Callable[[User], Client],
    coordinator: User,
    hosting: PriceLine,
    data: dict[str, str],
    message: str,
) -> None:
    client = base_login(coordinator)
    before = database_state()

    response = client.post("/facturation/bordereau/", {"price_line": hosting.pk, **data})

    assert response.status_code == 400
    assert message in _text(response)
    assert database_state() == before
    assert PriceRevision.objects.filter(price_line=hosting).count() == 1


# --- purchase orders -------------------------------------------------------------------------


def _order_post(commune: Commune, rows: list[dict[str, str]]) -> dict[str, str]:
    data = {
        "commune": str(commune.pk),
        "lignes-TOTAL_FORMS": "3",
        "lignes-INITIAL_FORMS": "0",
        "lignes-MIN_NUM_FORMS": "0",
        "lignes-MAX_NUM_FORMS": "20",
    }
    for index in range(3):
        row = rows[index] if index < len(rows) else {}
        for name in ("price_line", "quantity", "rubrique", "nature"):
            data[f"lignes-{index}-{name}"] = row.get(name, "")
    return data


def test_the_coordinator_creates_an_order_of_several_lines(
    base_login: Callable[[User], Client],
    coordinator: User,
    pessac_commune: Commune,
    hosting: PriceLine,
) -> None:
    training = PriceLine.objects.create(code="FOR-01", label="Formation", unit="training_day")
    rows = [
        {"price_line": str(hosting.pk), "quantity": "40", "rubrique": "020", "nature": "6156"},
        {"price_line": str(training.pk), "quantity": "2,5", "rubrique": "213", "nature": "6184"},
    ]

    response = base_login(coordinator).post(
        "/facturation/bons-de-commande/nouveau/", _order_post(pessac_commune, rows)
    )

    order = PurchaseOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/facturation/bons-de-commande/{order.pk}/"
    assert order.commune == pessac_commune
    assert order.status == PurchaseOrderStatus.DRAFT
    assert list(order.lines.values_list("price_line__code", "quantity", "rubrique", "nature")) == [
        ("HEB-01", Decimal("40.00"), "020", "6156"),
        ("FOR-01", Decimal("2.50"), "213", "6184"),
    ]
    [event] = _events("billing.order_created")
    assert event.details == {"commune": "pessac", "lines": 2}


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "Un bon de commande compte au moins une ligne."),
        (
            [{"quantity": "40", "rubrique": "020", "nature": "9999"}],
            "Sélectionnez un choix valide. 9999 n’en fait pas partie.",
        ),
        (
            [{"quantity": "0", "rubrique": "020", "nature": "6156"}],
            "La quantité doit être positive.",
        ),
        (
            [{"quantity": "4", "rubrique": "AB", "nature": "6156"}],
            "Rubrique fonctionnelle invalide : AB.",
        ),
    ],
)
def test_a_refused_order_shows_the_error_and_creates_nothing(
    base_login: Callable[[User], Client],
    coordinator: User,
    bordeaux_commune: Commune,
    hosting: PriceLine,
    rows: list[dict[str, str]],
    message: str,
) -> None:
    client = base_login(coordinator)
    rows = [{"price_line": str(hosting.pk), **row} for row in rows]
    before = database_state()

    response = client.post(
        "/facturation/bons-de-commande/nouveau/", _order_post(bordeaux_commune, rows)
    )

    assert response.status_code == 400
    assert message in _text(response)
    assert database_state() == before


def test_an_order_goes_issued_delivered_invoiced_from_its_page(
    base_login: Callable[[User], Client],
    coordinator: User,
    bordeaux_commune: Commune,
    hosting: PriceLine,
) -> None:
    order = _order(bordeaux_commune, hosting)
    client = base_login(coordinator)
    page = f"/facturation/bons-de-commande/{order.pk}/"

    detail = _text(client.get(page))
    issued = _text(client.post(f"{page}emettre/", follow=True))
    delivered = client.post(f"{page}livrer/")
    invoiced = _text(
        client.post(
            f"{page}facturer/",
            {"period_start": "2026-09-01", "period_end": "2026-09-30", "issued_on": "2026-10-02"},
            follow=True,
        )
    )

    assert "<td>494,00\u00a0€</td><td>592,80\u00a0€</td>" in detail
    assert "Émettre le bon de commande" in detail
    assert "par Claire Coordinatrice" in issued
    assert delivered.status_code == 302
    order.refresh_from_db()
    invoice = Invoice.objects.get(purchase_order=order)
    assert order.status == PurchaseOrderStatus.INVOICED
    assert order.issued_by == coordinator
    assert order.issued_at is not None
    assert order.delivered_at is not None
    assert (invoice.period_start, invoice.issued_on) == (
        datetime.date(2026, 9, 1),
        datetime.date(2026, 10, 2),
    )
    assert invoice.total_ttc == Decimal("592.80")
    assert f"Facture {invoice.number} émise pour le bon de commande n° {order.pk}" in invoiced
    assert f"/facturation/factures/{invoice.number}.pdf" in invoiced
    assert [e.action for e in _events("billing.order_issued")] == ["billing.order_issued"]
    assert _events("billing.order_delivered")
    assert _events("billing.order_invoiced")[0].details["invoice"] == invoice.number


def test_a_refused_transition_or_invoice_changes_nothing(
    base_login: Callable[[User], Client],
    coordinator: User,
    bordeaux_commune: Commune,
    hosting: PriceLine,
) -> None:
    draft = _order(bordeaux_commune, hosting)
    delivered = _delivered(bordeaux_commune, hosting, coordinator)
    client = base_login(coordinator)

    early = client.post(f"/facturation/bons-de-commande/{draft.pk}/livrer/")
    backwards = client.post(
        f"/facturation/bons-de-commande/{delivered.pk}/facturer/",
        {"period_start": "2026-09-30", "period_end": "2026-09-01", "issued_on": "2026-10-02"},
    )
    no_price = client.post(
        f"/facturation/bons-de-commande/{delivered.pk}/facturer/",
        {"period_start": "2025-09-01", "period_end": "2025-09-30", "issued_on": "2025-10-02"},
    )

    assert early.status_code == 400
    assert "Un bon de commande « Brouillon » ne peut pas passer à « Livré »." in (_text(early))
    assert backwards.status_code == 400
    assert "La période facturée commence après sa fin." in _text(backwards)
    assert no_price.status_code == 400
    assert "Aucun prix en vigueur le 2 octobre 2025 pour HEB-01." in _text(no_price)
    draft.refresh_from_db()
    delivered.refresh_from_db()
    assert draft.status == PurchaseOrderStatus.DRAFT
    assert delivered.status == PurchaseOrderStatus.DELIVERED
    assert not Invoice.objects.exists()
    assert not _events("billing.order_invoiced")


def test_the_orders_list_filters_by_commune_and_status(
    base_login: Callable[[User], Client],
    coordinator: User,
    bordeaux_commune: Commune,
    pessac_commune: Commune,
    hosting: PriceLine,
) -> None:
    ours = _order(bordeaux_commune, hosting)
    theirs = purchase_order_issue(order=_order(pessac_commune, hosting), issued_by=coordinator)
    client = base_login(coordinator)

    everything = _text(client.get("/facturation/bons-de-commande/"))
    pessac_only = client.get(f"/facturation/bons-de-commande/?commune={pessac_commune.pk}").content
    drafts = _text(client.get("/facturation/bons-de-commande/?status=draft"))

    for order in (ours, theirs):
        assert f'href="/facturation/bons-de-commande/{order.pk}/"' in everything
    assert f'href="/facturation/bons-de-commande/{theirs.pk}/"'.encode() in pessac_only
    assert f'href="/facturation/bons-de-commande/{ours.pk}/"'.encode() not in pessac_only
    assert f'href="/facturation/bons-de-commande/{ours.pk}/"' in drafts
    assert f'href="/facturation/bons-de-commande/{theirs.pk}/"' not in drafts


def _orders_list_queries(client: Client) -> int:
    with count_queries() as queries:
        response = client.get("/facturation/bons-de-commande/")
    assert response.status_code == 200
    # The schema switch depends on what the connection ran last, not on the page.
    return sum(not query["sql"].startswith("SET search_path") for query in queries)


def test_the_orders_list_costs_the_same_with_2_or_10_orders(
    base_login: Callable[[User], Client],
    coordinator: User,
    bordeaux_commune: Commune,
    pessac_commune: Commune,
    hosting: PriceLine,
) -> None:
    training = PriceLine.objects.create(code="FOR-01", label="Formation", unit="training_day")
    price_revision_create(
        price_line=training,
        unit_price_ht=Decimal("450"),
        vat_rate=Decimal("20"),
        valid_from=datetime.date(2026, 1, 1),
    )
    invoice_create_from_order(order=_delivered(bordeaux_commune, hosting, coordinator), **SEPTEMBER)
    _order(pessac_commune, training)
    client = base_login(coordinator)
    _orders_list_queries(client)  # warm caches (content types, sessions)
    with_2 = _orders_list_queries(client)
    for index in range(8):
        commune = pessac_commune if index % 2 else bordeaux_commune
        if index % 4 == 0:
            invoice_create_from_order(order=_delivered(commune, hosting, coordinator), **SEPTEMBER)
        else:
            _order(commune, training if index % 3 else hosting)

    with_10 = _orders_list_queries(client)

    assert PurchaseOrder.objects.count() == 10
    assert with_10 == with_2


# --- invoices --------------------------------------------------------------------------------


def test_the_invoices_list_shows_every_commune_with_pdf_links(
    base_login: Callable[[User], Client],
    coordinator: User,
    bordeaux_commune: Commune,
    pessac_commune: Commune,
) -> None:
    ours = invoice_create(commune=bordeaux_commune, lines=[line()], **SEPTEMBER)
    theirs = invoice_create(commune=pessac_commune, lines=[line()], **SEPTEMBER)
    client = base_login(coordinator)

    html = _text(client.get("/facturation/factures/"))
    filtered = _text(client.get(f"/facturation/factures/?commune={pessac_commune.pk}"))

    for invoice in (ours, theirs):
        assert f'href="/facturation/factures/{invoice.number}.pdf"' in html
        assert f'href="/facturation/factures/{invoice.number}/annuler/"' in html
    assert "<td>Bordeaux</td>" in html and "<td>Pessac</td>" in html
    assert 'href="/facturation/factures.csv"' in html
    assert theirs.number in filtered and ours.number not in filtered


def test_the_invoices_list_goes_by_pages_and_keeps_its_filter(
    base_login: Callable[[User], Client],
    coordinator: User,
    bordeaux_commune: Commune,
    pessac_commune: Commune,
) -> None:
    numbers = [
        invoice_create(commune=bordeaux_commune, lines=[line()], **SEPTEMBER).number
        for _ in range(30)
    ]
    other = invoice_create(commune=pessac_commune, lines=[line()], **SEPTEMBER).number
    client = base_login(coordinator)
    base = f"/facturation/factures/?commune={bordeaux_commune.pk}"

    first, second = (_text(client.get(f"{base}&page={n}")) for n in (1, 2))
    with count_queries() as queries:
        assert client.get(f"{base}&page=2").status_code == 200
    page_two_queries = len(queries)
    with count_queries() as queries:
        client.get(f"{base}&page=1")

    def listed(html: str) -> list[str]:
        found = [n for n in [*numbers, other] if f"/facturation/factures/{n}.pdf" in html]
        return sorted(found, key=lambda n: html.index(f"/facturation/factures/{n}.pdf"))

    # Newest first, 25 a page, each once, never the other commune's.
    assert listed(first) + listed(second) == numbers[::-1]
    assert len(listed(first)) == 25
    assert '<nav class="pager" aria-label="Pages des factures">' in first
    assert f'href="?commune={bordeaux_commune.pk}&page=2" rel="next"' in first
    assert len(queries) == page_two_queries


def test_the_coordinator_cancels_an_invoice_by_a_credit_note(
    base_login: Callable[[User], Client], coordinator: User, bordeaux_commune: Commune
) -> None:
    invoice = invoice_create(commune=bordeaux_commune, lines=[line()], **SEPTEMBER)
    client = base_login(coordinator)
    path = f"/facturation/factures/{invoice.number}/annuler/"

    response = client.post(
        path, {"issued_on": "2026-10-20", "reason": "Erreur de quantité"}, follow=True
    )

    invoice.refresh_from_db()
    credit_note = Invoice.objects.get(kind=InvoiceKind.CREDIT_NOTE)
    assert invoice.status == InvoiceStatus.CANCELLED
    assert credit_note.credited_invoice == invoice
    assert credit_note.reason == "Erreur de quantité"
    assert credit_note.total_ttc == -invoice.total_ttc
    html = _text(response)
    assert f"Facture {invoice.number} annulée par l'avoir {credit_note.number}." in html
    assert f"Annulée par l'avoir {credit_note.number}" in html
    assert f'href="{path}"' not in html
    [event] = _events("billing.invoice_cancelled")
    assert event.details["credit_note"] == credit_note.number
    assert event.details["reason"] == "Erreur de quantité"
    again = client.post(path, {"issued_on": "2026-10-21", "reason": "Encore"})
    assert again.status_code == 400
    assert "Cette facture est déjà annulée." in _text(again)
    assert Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).count() == 1


def test_a_cancellation_without_a_reason_changes_nothing(
    base_login: Callable[[User], Client], coordinator: User, bordeaux_commune: Commune
) -> None:
    invoice = invoice_create(commune=bordeaux_commune, lines=[line()], **SEPTEMBER)
    client = base_login(coordinator)
    before = database_state()

    response = client.post(
        f"/facturation/factures/{invoice.number}/annuler/",
        {"issued_on": "2026-10-20", "reason": "   "},
    )

    assert response.status_code == 400
    assert "Indiquez le motif de l'annulation." in _text(response)
    assert database_state() == before
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED
