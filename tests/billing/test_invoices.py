from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models.deletion import ProtectedError

from apps.accounts.models import User
from tenants.billing.models import (
    Invoice,
    InvoiceCounter,
    InvoiceKind,
    InvoiceStatus,
    PriceLine,
)
from tenants.billing.services import (
    BillingError,
    OrderLineSpec,
    invoice_cancel,
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


def _invoice(commune: Commune, *lines: object) -> Invoice:
    return invoice_create(commune=commune, lines=list(lines) or [line()], **SEPTEMBER)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_totals_are_rounded_half_up_per_line(bordeaux_commune: Commune) -> None:
    invoice = _invoice(
        bordeaux_commune,
        line(label="Heures", quantity="1.5", price="10.05", vat="20.00"),  # 15.075 → 15.08
        line(label="Forfait", quantity="1", price="0.125", vat="5.50"),  # 0.13; VAT 0.00715
    )

    first, second = invoice.lines.all()
    assert (first.amount_ht, first.amount_vat, first.amount_ttc) == (
        Decimal("15.08"),
        Decimal("3.02"),
        Decimal("18.10"),
    )
    assert (second.amount_ht, second.amount_vat) == (Decimal("0.13"), Decimal("0.01"))
    assert invoice.total_ht == Decimal("15.21")
    assert invoice.total_vat == Decimal("3.03")
    assert invoice.total_ttc == Decimal("18.24")


@pytest.mark.django_db
def test_invoice_numbers_follow_each_other_within_a_year(
    bordeaux_commune: Commune, pessac_commune: Commune
) -> None:
    numbers = [
        _invoice(bordeaux_commune).number,
        _invoice(pessac_commune).number,
        _invoice(bordeaux_commune).number,
    ]
    next_year = invoice_create(
        commune=bordeaux_commune,
        lines=[line()],
        period_start=datetime.date(2026, 12, 1),
        period_end=datetime.date(2026, 12, 31),
        issued_on=datetime.date(2027, 1, 5),
    )

    assert numbers == ["2026-000001", "2026-000002", "2026-000003"]
    assert next_year.number == "2027-000001"


@pytest.mark.django_db
def test_a_failed_invoice_creation_does_not_burn_a_number(bordeaux_commune: Commune) -> None:
    _invoice(bordeaux_commune)

    with pytest.raises(ValidationError):
        _invoice(bordeaux_commune, line(), line(nature="9999"))  # the second line is refused

    assert _invoice(bordeaux_commune).number == "2026-000002"
    assert Invoice.objects.count() == 2
    assert InvoiceCounter.objects.get(year=2026).last_number == 2


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_invoices_get_consecutive_numbers() -> None:
    use_public_schema()
    commune_ids = list(
        Commune.objects.filter(slug__in=["bordeaux", "pessac"]).values_list("pk", flat=True)
    )
    barrier = threading.Barrier(2, timeout=20)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def create(commune_id: int) -> None:
        # Each thread has its own Django connection, hence its own PostgreSQL session.
        try:
            use_public_schema()
            with transaction.atomic():
                commune = Commune.objects.get(pk=commune_id)
                barrier.wait()  # both transactions are open before either takes a number
                numbers.append(invoice_create(commune=commune, lines=[line()], **SEPTEMBER).number)
        except BaseException as error:  # noqa: BLE001 — reported to the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(pk,)) for pk in commune_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(numbers) == ["2026-000001", "2026-000002"]
    assert InvoiceCounter.objects.get(year=2026).last_number == 2


@pytest.mark.django_db
def test_a_price_revision_does_not_touch_what_was_billed(
    bordeaux_commune: Commune, hosting: PriceLine, coordinator: User
) -> None:
    order = purchase_order_create(
        commune=bordeaux_commune,
        lines=[
            OrderLineSpec(price_line=hosting, quantity=Decimal("10"), rubrique="020", nature="6156")
        ],
    )
    order = purchase_order_deliver(order=purchase_order_issue(order=order, issued_by=coordinator))
    invoice = invoice_create_from_order(order=order, **SEPTEMBER)

    price_revision_create(
        price_line=hosting,
        unit_price_ht=Decimal("99.99"),
        vat_rate=Decimal("5.50"),
        valid_from=datetime.date(2026, 1, 1) + datetime.timedelta(days=1),
    )
    price_revision_create(
        price_line=hosting,
        unit_price_ht=Decimal("50.00"),
        vat_rate=Decimal("10.00"),
        valid_from=datetime.date(2026, 11, 1),
    )

    invoice.refresh_from_db()
    billed = invoice.lines.get()
    assert (billed.unit_price_ht, billed.vat_rate) == (Decimal("12.35"), Decimal("20.00"))
    assert (invoice.total_ht, invoice.total_vat, invoice.total_ttc) == (
        Decimal("123.50"),
        Decimal("24.70"),
        Decimal("148.20"),
    )


@pytest.mark.django_db
def test_a_credit_note_cancels_an_invoice_with_opposite_amounts(bordeaux_commune: Commune) -> None:
    invoice = _invoice(bordeaux_commune)

    credit_note = invoice_cancel(
        invoice=invoice, issued_on=datetime.date(2026, 10, 20), reason="Erreur de quantité"
    )

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CANCELLED
    assert credit_note.kind == InvoiceKind.CREDIT_NOTE
    assert credit_note.number == "2026-000002"
    assert credit_note.credited_invoice == invoice
    assert credit_note.commune == bordeaux_commune
    assert (credit_note.total_ht, credit_note.total_vat, credit_note.total_ttc) == (
        -invoice.total_ht,
        -invoice.total_vat,
        -invoice.total_ttc,
    )
    assert credit_note.total_ttc == Decimal("-1620.00")


@pytest.mark.django_db
def test_an_invoice_is_credited_only_once(bordeaux_commune: Commune) -> None:
    invoice = _invoice(bordeaux_commune)
    invoice_cancel(invoice=invoice, issued_on=datetime.date(2026, 10, 20), reason="Doublon")

    with pytest.raises(BillingError):
        invoice_cancel(invoice=invoice, issued_on=datetime.date(2026, 10, 21), reason="Doublon")

    assert Invoice.objects.count() == 2


@pytest.mark.django_db
def test_invoices_are_never_deleted(bordeaux_commune: Commune) -> None:
    invoice = _invoice(bordeaux_commune)

    with pytest.raises(ProtectedError):
        invoice.delete()
    with pytest.raises(ProtectedError):
        Invoice.objects.all().delete()
    with pytest.raises(ProtectedError):
        Invoice.objects.filter(pk=invoice.pk).delete()

    assert Invoice.objects.filter(pk=invoice.pk).exists()
