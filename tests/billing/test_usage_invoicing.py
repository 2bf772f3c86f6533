"""Statements and invoices from usage: hosting pro rata temporis, shares of shared costs."""

from __future__ import annotations

import datetime
import io
import re
import threading
import time
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context
from pypdf import PdfReader

from apps.accounts.models import Profile, User
from apps.audit.models import AuditEvent
from tenants.billing.exports import invoice_pdf, invoices_csv
from tenants.billing.invoicing import (
    AlreadyInvoicedError,
    StatementError,
    issuing,
    month_statements,
    shared_cost_create,
    shared_cost_split,
    statement_build,
    usage_invoice_issue,
    usage_invoices_issue_month,
)
from tenants.billing.models import (
    CommuneBillingProfile,
    Invoice,
    InvoiceCounter,
    InvoiceKind,
    InvoiceStatus,
    PriceLine,
    PriceUnit,
    SharedCost,
    SharedCostStatus,
    UsageBilledMonth,
)
from tenants.billing.permissions import groupement_scope
from tenants.billing.services import (
    BillingError,
    InvoiceLineSpec,
    invoice_cancel,
    invoice_create,
    price_revision_create,
)
from tenants.db import use_public_schema
from tenants.models import Commune
from tenants.usage.models import ClassCountSnapshot
from tenants.usage.sharing import hosting_charge
from tests.billing.conftest import scope_request
from tests.conftest import SESSION_BACKEND
from tests.helpers import run_manage

ROOT = Path(__file__).resolve().parents[2]
SIRETS = {"bordeaux": "21330063500017", "pessac": "21330318000003", "bassens": "21330032000008"}
OCTOBER = {"period_start": datetime.date(2026, 10, 1), "period_end": datetime.date(2026, 10, 31)}
ISSUED_ON = datetime.date(2026, 11, 2)
REFERENCE_DAY = datetime.date(2026, 9, 1)


# --- the world: communes with a billing profile, snapshots, a hosting price --------------------


def _hosting_line() -> PriceLine:
    line, created = PriceLine.objects.get_or_create(
        code="HEB-01", defaults={"label": "Hébergement", "unit": PriceUnit.CLASS_MONTH}
    )
    if created:
        price_revision_create(
            price_line=line,
            unit_price_ht=Decimal("12.35"),
            vat_rate=Decimal("20.00"),
            valid_from=datetime.date(2026, 1, 1),
        )
    return line


def _profile(commune: Commune, price_line: PriceLine | None = None) -> CommuneBillingProfile:
    return CommuneBillingProfile.objects.create(
        commune=commune,
        siret=SIRETS[commune.slug],
        billing_address=f"Hôtel de ville\n{commune.name}",
        hosting_price_line=price_line or _hosting_line(),
        hosting_rubrique="020",
        hosting_nature="611",
    )


def _snapshot(
    commune: Commune, day: datetime.date, deployed: int, primary: int | None = None
) -> ClassCountSnapshot:
    return ClassCountSnapshot.objects.create(
        commune=commune,
        date=day,
        primary_classes=deployed if primary is None else primary,
        deployed_classes=deployed,
        deployed_schools=1,
    )


def _commune(slug: str) -> Commune:
    use_public_schema()
    return Commune.objects.get(slug=slug)


def _world(classes: dict[str, int]) -> dict[str, Commune]:
    """Each commune billed for hosting, with ``classes`` deployed all October and counted
    (primary classes) on the reference day."""
    communes = {}
    for slug, count in classes.items():
        commune = _commune(slug)
        _profile(commune)
        _snapshot(commune, REFERENCE_DAY, count)
        _snapshot(commune, datetime.date(2026, 10, 1), count)
        communes[slug] = commune
    return communes


def _coordinator(username: str = "coord") -> User:
    use_public_schema()
    return User.objects.create_user(
        username=username,
        first_name="Claire",
        last_name="Coordinatrice",
        profile=Profile.COORDINATOR,
    )


def _shared_cost(coordinator: User, amount: str = "10000.00", **extra: Any) -> SharedCost:
    fields: dict[str, Any] = {
        "label": "Socle commun",
        "amount_ht": Decimal(amount),
        "vat_rate": Decimal("20.00"),
        "reference_date": REFERENCE_DAY,
        "period_start": datetime.date(2026, 9, 1),
        "period_end": datetime.date(2027, 8, 31),
        "rubrique": "020",
        "nature": "2031",
        "created_by": coordinator,
    }
    fields.update(extra)
    return shared_cost_create(**fields)


def _nothing_written() -> tuple[int, int, int]:
    counter = InvoiceCounter.objects.filter(year=2026).first()
    return (
        Invoice.objects.count(),
        UsageBilledMonth.objects.count(),
        counter.last_number if counter else 0,
    )


def _pdf_text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    # A compound word wrapped at its hyphen ("classes-\njours") reads back as "classes- jours".
    return re.sub(r"(\w)- (\w)", r"\1-\2", text)


# --- hosting, pro rata temporis --------------------------------------------------------------


@pytest.mark.django_db
def test_the_hosting_line_is_exactly_the_hosting_charge_of_the_month() -> None:
    """10 classes from 30 September, an 11th deployed on 17 October: 10×16 + 11×15 = 325
    class-days out of 31, at 12.35 € → 129.475806… → 129.48 € HT."""
    bordeaux_commune = _commune("bordeaux")
    _profile(bordeaux_commune)
    _snapshot(bordeaux_commune, datetime.date(2026, 9, 30), 10)
    _snapshot(bordeaux_commune, datetime.date(2026, 10, 1), 10)
    _snapshot(bordeaux_commune, datetime.date(2026, 10, 17), 11)

    invoice = usage_invoice_issue(commune=bordeaux_commune, issued_on=ISSUED_ON, **OCTOBER)

    line = invoice.lines.get()
    expected = hosting_charge(
        year=2026,
        month=10,
        counts={datetime.date(2026, 10, 1): 10, datetime.date(2026, 10, 17): 11},
        monthly_unit_price=Decimal("12.35"),
        carried_in=10,
    )
    assert expected == Decimal("129.48")
    assert (line.amount_ht, line.amount_vat, line.amount_ttc) == (
        Decimal("129.48"),
        Decimal("25.90"),
        Decimal("155.38"),
    )
    assert (invoice.total_ht, invoice.total_vat, invoice.total_ttc) == (
        Decimal("129.48"),
        Decimal("25.90"),
        Decimal("155.38"),
    )
    assert invoice.number == "2026-000001"
    assert (line.rubrique, line.nature, line.hosting_month) == (
        "020",
        "611",
        OCTOBER["period_start"],
    )
    assert line.unit_price_ht == Decimal("12.35")
    assert "du 1er au 16 : 10 ; du 17 au 31 : 11" in line.explanation
    assert "325 classes-jours ÷ 31 jours" in line.explanation
    assert "129,48\u00a0€ HT" in line.explanation
    assert "Prix en vigueur le 1er octobre 2026" in line.explanation


@pytest.mark.django_db
def test_the_hosting_line_of_the_worked_example_in_the_docs() -> None:
    """docs/billing.md §6: Bordeaux's October 2026 hosting, explained as printed there."""
    bordeaux_commune = _commune("bordeaux")
    hosting = PriceLine.objects.create(
        code="HEB-01", label="Hébergement de l'ENT", unit=PriceUnit.CLASS_MONTH
    )
    for price, valid_from in [
        ("4.15", datetime.date(2026, 1, 1)),
        ("4.30", datetime.date(2026, 10, 16)),
    ]:
        price_revision_create(
            price_line=hosting,
            unit_price_ht=Decimal(price),
            vat_rate=Decimal("20.00"),
            valid_from=valid_from,
        )
    _profile(bordeaux_commune, hosting)
    _snapshot(bordeaux_commune, datetime.date(2026, 9, 30), 1080)
    for day, count in [(1, 1080), (12, 1092), (20, 1105)]:
        _snapshot(bordeaux_commune, datetime.date(2026, 10, day), count)

    (line,) = statement_build(commune=bordeaux_commune, **OCTOBER).lines

    assert line.label == "HEB-01 — Hébergement de l'ENT, octobre 2026 (par classe et par mois)"
    assert (line.quantity, line.unit_price_ht) == (Decimal("1092.77"), Decimal("4.15"))
    assert (line.amount_ht, line.amount_vat, line.amount_ttc) == (
        Decimal("4535.01"),
        Decimal("907.00"),
        Decimal("5442.01"),
    )
    assert line.explanation == (
        "Classes déployées par jour : du 1er au 11 : 1080 ; du 12 au 19 : 1092 ; du 20 au "
        "31 : 1105. 33876 classes-jours ÷ 31 jours = 1\u202f092,774194… classes-mois × "
        "4,15\u00a0€ HT par classe et par mois = 4\u202f535,012903…\u00a0€, arrondi au centime : "
        "4\u202f535,01\u00a0€ HT. Prix en vigueur le 1er octobre 2026 (révision applicable "
        "depuis le 1er janvier 2026). TVA 20,00 % : 907,00\u00a0€."
    )


@pytest.mark.django_db
def test_a_revision_valid_mid_month_applies_from_the_next_month() -> None:
    """The price of a month is the one in force on its first day: a revision of 16 October
    leaves October at 12.35 € and bills November at 20.00 €."""
    bordeaux_commune = _commune("bordeaux")
    hosting = _hosting_line()
    price_revision_create(
        price_line=hosting,
        unit_price_ht=Decimal("20.00"),
        vat_rate=Decimal("20.00"),
        valid_from=datetime.date(2026, 10, 16),
    )
    _profile(bordeaux_commune, hosting)
    _snapshot(bordeaux_commune, datetime.date(2026, 10, 1), 10)
    _snapshot(bordeaux_commune, datetime.date(2026, 11, 1), 10)

    invoice = usage_invoice_issue(
        commune=bordeaux_commune,
        period_start=datetime.date(2026, 10, 1),
        period_end=datetime.date(2026, 11, 30),
        issued_on=datetime.date(2026, 12, 1),
    )

    october, november = invoice.lines.all()
    assert (october.unit_price_ht, october.amount_ht) == (Decimal("12.35"), Decimal("123.50"))
    assert (november.unit_price_ht, november.amount_ht) == (Decimal("20.00"), Decimal("200.00"))
    assert "révision applicable depuis le 16 octobre 2026" in november.explanation
    assert invoice.total_ht == Decimal("323.50")
    assert set(UsageBilledMonth.objects.values_list("month", flat=True)) == {
        datetime.date(2026, 10, 1),
        datetime.date(2026, 11, 1),
    }


@pytest.mark.django_db
def test_a_commune_billed_per_school_is_billed_on_its_deployed_schools() -> None:
    bordeaux_commune = _commune("bordeaux")
    per_school = PriceLine.objects.create(
        code="HEB-ECO", label="Hébergement", unit=PriceUnit.SCHOOL_MONTH
    )
    price_revision_create(
        price_line=per_school,
        unit_price_ht=Decimal("31.00"),
        vat_rate=Decimal("20.00"),
        valid_from=datetime.date(2026, 1, 1),
    )
    _profile(bordeaux_commune, per_school)
    ClassCountSnapshot.objects.create(
        commune=bordeaux_commune,
        date=datetime.date(2026, 10, 1),
        primary_classes=40,
        deployed_classes=40,
        deployed_schools=3,
    )

    (line,) = statement_build(commune=bordeaux_commune, **OCTOBER).lines

    assert line.amount_ht == Decimal("93.00")  # 3 schools × 31 days ÷ 31 × 31.00
    assert "93 écoles-jours ÷ 31 jours = 3 écoles-mois" in line.explanation


@pytest.mark.django_db
def test_explicit_line_amounts_are_kept_and_ttc_is_their_sum() -> None:
    bordeaux_commune = _commune("bordeaux")
    spec: dict[str, Any] = {
        "label": "Quote-part",
        "quantity": Decimal("1"),
        "unit_price_ht": Decimal("10.00"),
        "vat_rate": Decimal("20.00"),
        "rubrique": "020",
        "nature": "2031",
    }

    invoice = invoice_create(
        commune=bordeaux_commune,
        lines=[
            InvoiceLineSpec(**spec, amount_ht=Decimal("10.01"), amount_vat=Decimal("1.99")),
            InvoiceLineSpec(**spec, amount_ht=Decimal("0.05")),  # VAT from the rate: 0.01
        ],
        issued_on=ISSUED_ON,
        **OCTOBER,
    )
    with pytest.raises(BillingError, match="au centime"):
        invoice_create(
            commune=bordeaux_commune,
            lines=[InvoiceLineSpec(**spec, amount_ht=Decimal("1.001"))],
            issued_on=ISSUED_ON,
            **OCTOBER,
        )

    first, second = invoice.lines.all()
    assert (first.amount_ht, first.amount_vat, first.amount_ttc) == (
        Decimal("10.01"),
        Decimal("1.99"),
        Decimal("12.00"),
    )
    assert (second.amount_ht, second.amount_vat, second.amount_ttc) == (
        Decimal("0.05"),
        Decimal("0.01"),
        Decimal("0.06"),
    )
    assert (invoice.total_ht, invoice.total_vat, invoice.total_ttc) == (
        Decimal("10.06"),
        Decimal("2.00"),
        Decimal("12.06"),
    )
    assert InvoiceCounter.objects.get(year=2026).last_number == 1


# --- shared costs ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_shares_on_the_invoices_add_up_exactly_to_the_shared_cost() -> None:
    communes = _world({"bordeaux": 1105, "pessac": 262, "bassens": 36})
    cost = _shared_cost(_coordinator(), amount="10000.00")

    shares = shared_cost_split(shared_cost=cost)
    rows = usage_invoices_issue_month(month=datetime.date(2026, 10, 1), issued_on=ISSUED_ON)

    assert [row.outcome for row in rows] == ["issued", "issued", "issued"]
    assert [row.commune.slug for row in rows] == ["bassens", "bordeaux", "pessac"]
    assert len(shares) == 3
    share_lines = [
        line
        for row in rows
        if row.invoice is not None
        for line in row.invoice.lines.all()
        if line.cost_share_id is not None
    ]
    assert sum(line.amount_ht for line in share_lines) == Decimal("10000.00")
    assert sum(line.amount_vat for line in share_lines) == Decimal("2000.00")
    assert sum(line.amount_ttc for line in share_lines) == Decimal("12000.00")
    for row in rows:
        assert row.invoice is not None
        lines = list(row.invoice.lines.all())
        assert all(line.amount_ht + line.amount_vat == line.amount_ttc for line in lines)
        assert row.invoice.total_ht == sum(line.amount_ht for line in lines)
        assert row.invoice.total_vat == sum(line.amount_vat for line in lines)
        assert row.invoice.total_ttc == sum(line.amount_ttc for line in lines)
    # 10 000 × 1105/1403 = 7875.980042… : rounded down, then one of the 2 missing cents.
    bordeaux_line = next(
        line for line in share_lines if line.invoice.commune_id == communes["bordeaux"].pk
    )
    assert bordeaux_line.amount_ht == Decimal("7875.98")
    assert (bordeaux_line.rubrique, bordeaux_line.nature) == ("020", "2031")
    assert "1105/1403 classes" in bordeaux_line.label
    assert "exact 7875,980043 €" in bordeaux_line.explanation
    cost.refresh_from_db()
    assert cost.status == SharedCostStatus.INVOICED
    # The CSV carries the explanation too, on the line's own row (no newline inside a cell).
    exported = invoices_csv(invoices=[bordeaux_line.invoice], profiles={}).decode("utf-8-sig")
    csv_rows = exported.splitlines()
    assert csv_rows[0].endswith(";Détail du calcul")
    assert len(csv_rows) == 1 + bordeaux_line.invoice.lines.count()
    assert any("exact 7875,980043 €" in row and "1105/1403" in row for row in csv_rows[1:])


@pytest.mark.django_db
def test_a_shared_cost_from_a_price_line_takes_the_price_at_the_reference_date() -> None:
    _world({"bordeaux": 3, "pessac": 1, "bassens": 0})
    training = PriceLine.objects.create(
        code="FOR-01", label="Formation", unit=PriceUnit.TRAINING_DAY
    )
    price_revision_create(
        price_line=training,
        unit_price_ht=Decimal("450.00"),
        vat_rate=Decimal("20.00"),
        valid_from=datetime.date(2026, 1, 1),
    )

    cost = _shared_cost(
        _coordinator(),
        amount_ht=None,
        vat_rate=None,
        price_line=training,
        quantity=Decimal("3"),
        label="Formation des directeurs",
    )
    shares = {share.commune.slug: share for share in shared_cost_split(shared_cost=cost)}

    assert (cost.amount_ht, cost.vat_rate) == (Decimal("1350.00"), Decimal("20.00"))
    assert shares["bordeaux"].amount_ht == Decimal("1012.50")
    assert shares["pessac"].amount_ht == Decimal("337.50")
    assert shares["bassens"].amount_ht == Decimal("0.00")
    assert sum(share.amount_ttc for share in shares.values()) == Decimal("1620.00")


@pytest.mark.django_db
def test_splitting_needs_every_live_commune_counted_on_the_reference_date() -> None:
    _world({"bordeaux": 10, "pessac": 5})  # Bassens has no snapshot on 1 September
    cost = _shared_cost(_coordinator())

    with pytest.raises(BillingError, match="manquant au 1er septembre 2026 pour : Bassens"):
        shared_cost_split(shared_cost=cost)

    cost.refresh_from_db()
    assert cost.status == SharedCostStatus.DRAFT
    assert not cost.shares.exists()


@pytest.mark.django_db
def test_only_a_coordinator_creates_a_shared_cost() -> None:
    staff = User.objects.create_user(username="staff", profile=Profile.STAFF)

    with pytest.raises(BillingError, match="coordinateur"):
        _shared_cost(staff)

    assert not SharedCost.objects.exists()


# --- once per month, and again after a credit note -------------------------------------------


@pytest.mark.django_db
def test_a_second_run_is_refused_and_a_batch_skips_the_commune() -> None:
    communes = _world({"bordeaux": 10})
    first = usage_invoice_issue(commune=communes["bordeaux"], issued_on=ISSUED_ON, **OCTOBER)

    with pytest.raises(AlreadyInvoicedError, match=f"déjà facturé \\(facture {first.number}\\)"):
        usage_invoice_issue(commune=communes["bordeaux"], issued_on=ISSUED_ON, **OCTOBER)
    rows = usage_invoices_issue_month(month=datetime.date(2026, 10, 1), issued_on=ISSUED_ON)

    bordeaux_row = next(row for row in rows if row.commune.slug == "bordeaux")
    assert bordeaux_row.outcome == "skipped"
    assert Invoice.objects.filter(commune=communes["bordeaux"]).count() == 1
    assert InvoiceCounter.objects.get(year=2026).last_number == 1


@pytest.mark.django_db
def test_after_a_credit_note_the_month_and_its_shares_are_billed_again() -> None:
    communes = _world({"bordeaux": 10, "pessac": 10, "bassens": 10})
    cost = _shared_cost(_coordinator(), amount="100.00")
    shared_cost_split(shared_cost=cost)
    first = usage_invoice_issue(commune=communes["bordeaux"], issued_on=ISSUED_ON, **OCTOBER)

    credit_note = invoice_cancel(invoice=first, issued_on=ISSUED_ON, reason="Relevé corrigé")
    cost.refresh_from_db()
    assert cost.status == SharedCostStatus.SPLIT
    again = usage_invoice_issue(commune=communes["bordeaux"], issued_on=ISSUED_ON, **OCTOBER)

    assert credit_note.total_ttc == -first.total_ttc
    assert [line.amount_ht for line in credit_note.lines.all()] == [
        -line.amount_ht for line in first.lines.all()
    ]
    assert again.number == "2026-000003"
    assert again.total_ttc == first.total_ttc
    assert [line.label for line in again.lines.all()] == [line.label for line in first.lines.all()]
    month = UsageBilledMonth.objects.get(invoice=first)
    assert month.released_by == credit_note
    assert UsageBilledMonth.objects.get(released_by__isnull=True).invoice == again


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("no_profile", "Bordeaux : aucune donnée de facturation"),
        ("no_price_line", "aucun tarif d'hébergement choisi"),
        ("no_price", "aucun prix en vigueur le 1er octobre 2026 pour HEB-02"),
        ("no_snapshot", "aucun relevé des classes en octobre 2026"),
    ],
)
def test_a_commune_that_cannot_be_billed_gets_one_clear_error_and_nothing_is_written(
    setup: str, message: str
) -> None:
    bordeaux_commune = _commune("bordeaux")
    if setup != "no_snapshot":
        _snapshot(bordeaux_commune, datetime.date(2026, 10, 1), 10)
    if setup == "no_price_line":
        _profile(bordeaux_commune).__class__.objects.filter(commune=bordeaux_commune).update(
            hosting_price_line=None
        )
    elif setup == "no_price":
        later = PriceLine.objects.create(
            code="HEB-02", label="Hébergement v2", unit=PriceUnit.CLASS_MONTH
        )
        price_revision_create(
            price_line=later,
            unit_price_ht=Decimal("9.00"),
            vat_rate=Decimal("20.00"),
            valid_from=datetime.date(2026, 10, 2),
        )
        _profile(bordeaux_commune, later)
    elif setup == "no_snapshot":
        _profile(bordeaux_commune)
        _snapshot(bordeaux_commune, datetime.date(2026, 9, 30), 10)  # September only
    before = _nothing_written()

    with pytest.raises(StatementError) as error:
        usage_invoice_issue(commune=bordeaux_commune, issued_on=ISSUED_ON, **OCTOBER)

    assert message in error.value.messages[0]
    assert len(error.value.messages) == 1
    assert _nothing_written() == before


@pytest.mark.django_db
def test_a_month_is_invoiced_only_once_it_is_over() -> None:
    communes = _world({"bordeaux": 10})

    with pytest.raises(StatementError, match="après le 31 octobre 2026"):
        usage_invoice_issue(
            commune=communes["bordeaux"], issued_on=datetime.date(2026, 10, 31), **OCTOBER
        )

    assert _nothing_written() == (0, 0, 0)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_for_the_same_commune_month_give_one_invoice() -> None:
    bordeaux_commune = _world({"bordeaux": 10})["bordeaux"]
    barrier = threading.Barrier(2, timeout=20)
    numbers: list[str] = []
    refusals: list[str] = []
    errors: list[BaseException] = []

    def issue() -> None:
        # Each thread has its own Django connection, hence its own PostgreSQL session.
        try:
            use_public_schema()
            barrier.wait()
            numbers.append(
                usage_invoice_issue(commune=bordeaux_commune, issued_on=ISSUED_ON, **OCTOBER).number
            )
        except AlreadyInvoicedError as refusal:
            refusals.append(refusal.messages[0])
        except BaseException as error:  # noqa: BLE001 — reported to the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert numbers == ["2026-000001"]
    assert len(refusals) == 1 and "déjà facturé" in refusals[0]
    assert Invoice.objects.filter(commune=bordeaux_commune).count() == 1
    assert InvoiceCounter.objects.get(year=2026).last_number == 1


@pytest.mark.django_db
def test_the_unique_constraint_refuses_a_month_even_without_the_lock() -> None:
    """The profile lock answers first in practice; the constraint is the backstop."""
    bordeaux_commune = _world({"bordeaux": 10})["bordeaux"]
    other = invoice_create(
        commune=bordeaux_commune,
        lines=[
            InvoiceLineSpec(
                label="Saisie manuelle",
                quantity=Decimal("1"),
                unit_price_ht=Decimal("1.00"),
                vat_rate=Decimal("20.00"),
                rubrique="020",
                nature="611",
            )
        ],
        issued_on=ISSUED_ON,
        **OCTOBER,
    )
    UsageBilledMonth.objects.create(
        commune=bordeaux_commune, month=OCTOBER["period_start"], invoice=other
    )

    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        UsageBilledMonth.objects.create(
            commune=bordeaux_commune, month=OCTOBER["period_start"], invoice=other
        )


@pytest.mark.django_db
def test_a_failure_mid_batch_leaves_that_commune_without_invoice_or_burnt_number(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _world({"bordeaux": 10, "pessac": 5, "bassens": 2})
    real_write = issuing._invoice_write

    def fail_for_bordeaux(**kwargs: Any) -> Invoice:
        invoice = real_write(**kwargs)  # the number is taken, then the commune fails
        if kwargs["commune"].slug == "bordeaux":
            raise RuntimeError("disque plein")
        return invoice

    monkeypatch.setattr(issuing, "_invoice_write", fail_for_bordeaux)

    rows = usage_invoices_issue_month(month=datetime.date(2026, 10, 1), issued_on=ISSUED_ON)

    assert [(row.commune.slug, row.outcome) for row in rows] == [
        ("bassens", "issued"),
        ("bordeaux", "error"),
        ("pessac", "issued"),
    ]
    assert "disque plein" in rows[1].message
    assert [row.invoice.number for row in rows if row.invoice] == ["2026-000001", "2026-000002"]
    assert not Invoice.objects.filter(commune__slug="bordeaux").exists()
    assert not UsageBilledMonth.objects.filter(commune__slug="bordeaux").exists()
    assert InvoiceCounter.objects.get(year=2026).last_number == 2


# --- statements ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_statement_explains_each_line_and_totals_by_imputation() -> None:
    communes = _world({"bordeaux": 1105, "pessac": 262, "bassens": 36})
    shared_cost_split(shared_cost=_shared_cost(_coordinator(), amount="72000.00"))

    statement = statement_build(commune=communes["bordeaux"], **OCTOBER)

    hosting, share = statement.lines
    assert hosting.amount_ht == Decimal("13646.75")  # 1105 × 12.35, the whole month
    assert share.amount_ht == Decimal("56707.06")
    assert [(i.imputation, i.total_ht) for i in statement.imputations()] == [
        ("020/2031", Decimal("56707.06")),
        ("020/611", Decimal("13646.75")),
    ]
    assert statement.total_ttc == statement.total_ht + statement.total_vat
    assert "rang du reste" in share.explanation
    assert not Invoice.objects.exists()  # a statement is only a preview


@pytest.mark.django_db
def test_the_month_preview_costs_the_same_whatever_the_data(
    django_assert_num_queries: Any,
) -> None:
    _world({"bordeaux": 10, "pessac": 5, "bassens": 2})
    shared_cost_split(shared_cost=_shared_cost(_coordinator()))
    scope = groupement_scope(scope_request(_coordinator("coord2")))

    with django_assert_num_queries(7):  # communes, profiles, prices, 2× snapshots, shares, billed
        outcomes = month_statements(scope=scope, month=datetime.date(2026, 10, 1))

    assert [len(o.statement.lines) for o in outcomes if o.statement] == [2, 2, 2]


# --- PDF -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_pdf_of_a_usage_invoice_holds_its_lines_and_explanations() -> None:
    communes = _world({"bordeaux": 1105, "pessac": 262, "bassens": 36})
    shared_cost_split(shared_cost=_shared_cost(_coordinator(), amount="72000.00"))
    invoice = usage_invoice_issue(commune=communes["bordeaux"], issued_on=ISSUED_ON, **OCTOBER)

    text = _pdf_text(invoice_pdf(invoice=invoice, profile=communes["bordeaux"].billing_profile))

    for expected in [
        "Facture n° 2026-000001",
        "HEB-01 — Hébergement, octobre 2026",
        "34255 classes-jours ÷ 31 jours",
        "13 646,75 €",
        "Socle commun — quote-part 1105/1403 classes",
        "56 707,06 €",
        "020 / 2031",
        "020 / 611",
        "reste le plus fort",
    ]:
        assert expected in text, expected


# --- the command, as a real process, and the Celery task on a real worker --------------------


@pytest.mark.django_db
def test_the_command_refuses_a_bad_month_with_one_line() -> None:
    finished = run_manage("invoice_month", "--month", "2026-13")

    assert finished.returncode != 0
    lines = [line for line in finished.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, finished.stderr
    assert "mois invalide : '2026-13' (attendu AAAA-MM" in lines[0]


@pytest.mark.django_db(transaction=True)
def test_the_command_invoices_every_live_commune_once() -> None:
    _world({"bordeaux": 10, "pessac": 5, "bassens": 2})

    finished = run_manage("invoice_month", "--month", "2026-10", "--issued-on", "2026-11-02")
    again = run_manage("invoice_month", "--month", "2026-10", "--issued-on", "2026-11-02")

    assert finished.returncode == 0, finished.stderr
    assert "Bassens : émise — facture 2026-000001 : 29,64\u00a0€ TTC" in finished.stdout
    assert "Bordeaux : émise — facture 2026-000002" in finished.stdout
    assert "octobre 2026 : 3 facture(s) émise(s), 0 déjà facturée(s), 0 en erreur." in (
        finished.stdout
    )
    assert again.returncode == 0, again.stderr
    assert "Bordeaux : ignorée" in again.stdout
    assert Invoice.objects.count() == 3


@pytest.mark.django_db
def test_the_command_dry_run_writes_nothing_and_errors_exit_non_zero() -> None:
    _world({"bordeaux": 10, "pessac": 5})  # Bassens has no billing profile
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 commune\\(s\\) non facturée\\(s\\)"):
        call_command(
            "invoice_month", month="2026-10", issued_on="2026-11-02", dry_run=True, stdout=out
        )

    text = out.getvalue()
    assert "Bassens : ERREUR — Bassens : aucune donnée de facturation" in text
    assert "Bordeaux : aperçu — serait facturé 148,20\u00a0€ TTC (1 lignes)" in text
    assert _nothing_written() == (0, 0, 0)
    with pytest.raises(CommandError, match="n'est pas terminé"):
        call_command("invoice_month", month="2026-10", issued_on="2026-10-15", stdout=out)


@pytest.mark.django_db(transaction=True)
def test_the_monthly_task_issues_the_invoices_on_a_real_worker(redis_worker: object) -> None:
    from tenants.billing.tasks import invoice_month

    _world({"bordeaux": 10, "pessac": 5, "bassens": 2})

    queued = invoice_month.delay("2026-10", "2026-11-02")

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and Invoice.objects.count() < 3:
        time.sleep(0.2)
    assert queued.id
    assert sorted(Invoice.objects.values_list("commune__slug", "number")) == [
        ("bassens", "2026-000001"),
        ("bordeaux", "2026-000002"),
        ("pessac", "2026-000003"),
    ]


# --- pages -----------------------------------------------------------------------------------


def test_a_coordinator_previews_the_month_and_issues_it(
    db: None, base_login: Callable[[User], Client]
) -> None:
    _world({"bordeaux": 10, "pessac": 5, "bassens": 2})
    client = base_login(_coordinator())

    preview = client.get("/facturation/releves/?mois=2026-10")
    previewed = Invoice.objects.count()
    issued = client.post(
        "/facturation/releves/", {"mois": "2026-10", "date_emission": "2026-11-02"}
    )

    assert preview.status_code == 200
    html = preview.content.decode()
    assert "310 classes-jours ÷ 31 jours" in html  # Bordeaux: 10 classes all October
    assert "123,50" in html and "148,20" in html
    assert "Émettre les factures du mois" in html
    assert previewed == 0
    assert issued.status_code == 200
    result = issued.content.decode()
    assert "émise : facture 2026-000002" in result
    assert "Déjà facturé" in result
    assert sorted(
        Invoice.objects.filter(kind=InvoiceKind.INVOICE, status=InvoiceStatus.ISSUED).values_list(
            "number", flat=True
        )
    ) == ["2026-000001", "2026-000002", "2026-000003"]
    event = AuditEvent.objects.get(action="billing.usage_month_issued")
    assert (event.target, event.actor_name) == ("2026-10", "Claire Coordinatrice")
    assert sorted(event.details["invoices"]) == ["2026-000001", "2026-000002", "2026-000003"]


def test_a_coordinator_creates_and_splits_a_shared_cost(
    db: None, base_login: Callable[[User], Client]
) -> None:
    _world({"bordeaux": 1105, "pessac": 262, "bassens": 36})
    client = base_login(_coordinator())

    created = client.post(
        "/facturation/couts-partages/",
        {
            "label": "Formation 2026-2027",
            "amount_ht": "31500,00",
            "vat_rate": "20",
            "reference_date": "2026-09-01",
            "period_start": "2026-09-01",
            "period_end": "2027-08-31",
            "rubrique": "020",
            "nature": "6184",
        },
    )
    cost = SharedCost.objects.get()
    split = client.post(f"/facturation/couts-partages/{cost.pk}/repartir/")
    page = client.get("/facturation/couts-partages/")

    assert created.status_code == 302
    assert split.status_code == 302
    cost.refresh_from_db()
    assert cost.status == SharedCostStatus.SPLIT
    assert cost.created_by_name == "Claire Coordinatrice"
    html = page.content.decode()
    assert "1105/1403" in html
    assert sum(share.amount_ttc for share in cost.shares.all()) == Decimal("37800.00")
    assert list(
        AuditEvent.objects.filter(target="Formation 2026-2027")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["billing.shared_cost_created", "billing.shared_cost_split"]


def test_the_usage_pages_are_refused_to_commune_users_and_unverified_coordinators(
    db: None,
    tenant_client: Callable[..., Client],
    verified_login: Callable[..., Client],
) -> None:
    _world({"bordeaux": 10, "pessac": 5, "bassens": 2})
    with schema_context("bordeaux"):
        admin = User.objects.create_user(username="admin.bdx", profile=Profile.COMMUNE_ADMIN)
    commune_admin = verified_login(admin, "bordeaux")
    unverified = tenant_client()
    unverified.force_login(_coordinator(), backend=SESSION_BACKEND)
    staff = User.objects.create_user(username="staff", profile=Profile.STAFF)
    public_staff = verified_login(staff)

    for path in ["/facturation/releves/?mois=2026-10", "/facturation/couts-partages/"]:
        assert commune_admin.get(path).status_code == 404, path
        assert public_staff.get(path).status_code == 404, path
        refused = unverified.get(path)
        assert refused.status_code == 302, path
        assert "double-authentification" in refused["Location"], path
    posted = commune_admin.post(
        "/facturation/releves/", {"mois": "2026-10", "date_emission": "2026-11-02"}
    )
    unverified_post = unverified.post(
        "/facturation/releves/", {"mois": "2026-10", "date_emission": "2026-11-02"}
    )

    assert posted.status_code == 404
    assert unverified_post.status_code == 302
    assert not Invoice.objects.exists()
