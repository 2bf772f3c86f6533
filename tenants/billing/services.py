"""Writes: the contract's notice, prices, purchase orders, invoices and credit notes.

A write asked for from a page takes ``by`` (``tenants.audited.Requester``) and records its
audit event in its own transaction; the page only parses the form and renders the outcome.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.french import formatting
from tenants.audited import Requester, audit
from tenants.billing.models import (
    CommuneBillingProfile,
    Contract,
    ContractStatus,
    Invoice,
    InvoiceCounter,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    PriceLine,
    PriceRevision,
    PriceUnit,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    SharedCost,
    SharedCostStatus,
    UsageBilledMonth,
    add_months,
)
from tenants.billing.money import is_whole_cents, round_cents, vat_amount
from tenants.billing.validators import validate_nature_article, validate_rubrique
from tenants.models import Commune
from tenants.permissions import is_coordinator


class BillingError(ValidationError):
    """A billing rule was broken; nothing was written."""


# --- Contract --------------------------------------------------------------------------------


@transaction.atomic
def contract_end_notice(
    *, contract: Contract, letter_date: datetime.date, by: Requester | None = None
) -> Contract:
    """Record the registered letter ending the contract; it ends ``notice_months`` later,
    and never after its own natural end."""
    if contract.status == ContractStatus.ENDED:
        raise BillingError("Ce marché est déjà terminé.")
    if letter_date < contract.notified_on:
        raise BillingError("La lettre de résiliation précède la notification du marché.")
    contract.notice_letter_date = letter_date
    contract.effective_end_date = min(
        add_months(letter_date, contract.notice_months), contract.natural_end_date
    )
    contract.status = ContractStatus.NOTICE_GIVEN
    contract.save(update_fields=["notice_letter_date", "effective_end_date", "status"])
    audit(
        by,
        "billing.contract_notice",
        contract.reference,
        letter_date=contract.notice_letter_date,
        effective_end_date=contract.effective_end_date,
    )
    return contract


@dataclass(frozen=True)
class ContractSpec:
    holder: str
    reference: str
    notified_on: datetime.date
    duration_months: int
    notice_months: int


@transaction.atomic
def contract_create(*, spec: ContractSpec, by: Requester | None = None) -> Contract:
    """Record a newly notified contract.

    The groupement runs on one contract at a time: a new one may only start once the
    running one ends (its natural end, or the end its notice fixed), so that every order
    and invoice date falls under exactly one contract.
    """
    reference = spec.reference.strip()
    if Contract.objects.filter(reference__iexact=reference).exists():
        raise BillingError(f"Un marché de référence {reference} est déjà enregistré.")
    if spec.notice_months > spec.duration_months:
        raise BillingError("Le préavis ne peut pas dépasser la durée du marché.")
    # Locked so that two coordinators recording a contract at once cannot both pass the check.
    running = list(Contract.objects.select_for_update().exclude(status=ContractStatus.ENDED))
    for other in running:
        if other.notified_on <= spec.notified_on < other.end_date or (
            spec.notified_on
            <= other.notified_on
            < add_months(spec.notified_on, spec.duration_months)
        ):
            raise BillingError(
                f"Le marché {other.reference} court jusqu'au "
                f"{formatting.date_courte(other.end_date)} : "
                "un nouveau marché ne peut être notifié qu'à partir de cette date."
            )
    contract = Contract(
        holder=spec.holder.strip(),
        reference=reference,
        notified_on=spec.notified_on,
        duration_months=spec.duration_months,
        notice_months=spec.notice_months,
    )
    contract.full_clean()
    contract.save()
    audit(
        by,
        "billing.contract_create",
        contract.reference,
        holder=contract.holder,
        notified_on=contract.notified_on,
        duration_months=contract.duration_months,
    )
    return contract


# --- Prices ----------------------------------------------------------------------------------


@transaction.atomic
def price_revision_create(
    *,
    price_line: PriceLine,
    unit_price_ht: Decimal,
    vat_rate: Decimal,
    valid_from: datetime.date,
    by: Requester | None = None,
) -> PriceRevision:
    revision = PriceRevision(
        price_line=price_line,
        unit_price_ht=unit_price_ht,
        vat_rate=vat_rate,
        valid_from=valid_from,
    )
    revision.full_clean()
    revision.save()
    audit(by, "billing.price_revision", price_line.code, **_price_details(revision))
    return revision


def _price_details(revision: PriceRevision) -> dict[str, object]:
    """What a price's audit event says of it."""
    details: dict[str, object] = {
        "unit_price_ht": revision.unit_price_ht,
        "vat_rate": revision.vat_rate,
        "valid_from": revision.valid_from,
    }
    return details


@dataclass(frozen=True)
class PriceLineSpec:
    code: str
    label: str
    unit: str
    unit_price_ht: Decimal
    vat_rate: Decimal
    valid_from: datetime.date


@transaction.atomic
def price_line_create(*, spec: PriceLineSpec, by: Requester | None = None) -> PriceLine:
    """A new line of the price schedule with its first price: a line without a price could
    be chosen on an order and then not be invoiced."""
    code = spec.code.strip().upper()
    if PriceLine.objects.filter(code__iexact=code).exists():
        raise BillingError(f"La ligne {code} existe déjà dans le bordereau.")
    if spec.unit not in PriceUnit.values:
        raise BillingError("Unité inconnue.")
    line = PriceLine(code=code, label=spec.label.strip(), unit=spec.unit)
    line.full_clean()
    line.save()
    revision = price_revision_create(
        price_line=line,
        unit_price_ht=spec.unit_price_ht,
        vat_rate=spec.vat_rate,
        valid_from=spec.valid_from,
    )
    audit(
        by,
        "billing.price_line_create",
        line.code,
        label=line.label,
        unit=line.unit,
        **_price_details(revision),
    )
    return line


def price_in_force(*, price_line: PriceLine, on: datetime.date) -> PriceRevision:
    revision = (
        PriceRevision.objects.filter(price_line=price_line, valid_from__lte=on)
        .order_by("-valid_from")
        .first()
    )
    if revision is None:
        raise BillingError(
            f"Aucun prix en vigueur le {formatting.date_courte(on)} pour {price_line.code}."
        )
    return revision


# --- Purchase orders -------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderLineSpec:
    price_line: PriceLine
    quantity: Decimal
    rubrique: str
    nature: str


_ORDER_TRANSITIONS = {
    PurchaseOrderStatus.DRAFT: PurchaseOrderStatus.ISSUED,
    PurchaseOrderStatus.ISSUED: PurchaseOrderStatus.DELIVERED,
    PurchaseOrderStatus.DELIVERED: PurchaseOrderStatus.INVOICED,
}


def _move_order(order: PurchaseOrder, to: PurchaseOrderStatus) -> None:
    if _ORDER_TRANSITIONS.get(PurchaseOrderStatus(order.status)) != to:
        raise BillingError(
            f"Un bon de commande « {order.get_status_display()} » ne peut pas passer à "
            f"« {to.label} »."
        )
    order.status = to


@transaction.atomic
def purchase_order_create(
    *, commune: Commune, lines: Sequence[OrderLineSpec], by: Requester | None = None
) -> PurchaseOrder:
    if not lines:
        raise BillingError("Un bon de commande compte au moins une ligne.")
    order = PurchaseOrder.objects.create(commune=commune)
    for spec in lines:
        line = PurchaseOrderLine(
            order=order,
            price_line=spec.price_line,
            quantity=spec.quantity,
            rubrique=spec.rubrique,
            nature=spec.nature,
        )
        line.full_clean()
        line.save()
    audit(
        by,
        "billing.order_created",
        f"bon de commande n° {order.pk}",
        commune=commune.slug,
        lines=len(lines),
    )
    return order


def _locked(order: PurchaseOrder) -> PurchaseOrder:
    return PurchaseOrder.objects.select_for_update().get(pk=order.pk)


@transaction.atomic
def purchase_order_issue(
    *, order: PurchaseOrder, issued_by: User, by: Requester | None = None
) -> PurchaseOrder:
    if not is_coordinator(issued_by):
        raise BillingError("Seul un coordinateur du groupement émet un bon de commande.")
    order = _locked(order)
    _move_order(order, PurchaseOrderStatus.ISSUED)
    order.issued_by = issued_by
    order.issued_by_name = issued_by.display_name
    order.issued_at = timezone.now()
    order.save(update_fields=["status", "issued_by", "issued_by_name", "issued_at"])
    audit(by, "billing.order_issued", f"bon de commande n° {order.pk}", commune=order.commune.slug)
    return order


@transaction.atomic
def purchase_order_deliver(*, order: PurchaseOrder, by: Requester | None = None) -> PurchaseOrder:
    order = _locked(order)
    _move_order(order, PurchaseOrderStatus.DELIVERED)
    order.delivered_at = timezone.now()
    order.save(update_fields=["status", "delivered_at"])
    audit(
        by, "billing.order_delivered", f"bon de commande n° {order.pk}", commune=order.commune.slug
    )
    return order


# --- Invoices --------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceLineSpec:
    """A line to bill. Without explicit amounts, HT = quantity × unit price and VAT = HT ×
    rate, each rounded half up. Usage lines give ``amount_ht`` (and ``amount_vat``) as
    computed elsewhere — pro rata temporis, or a share split by largest remainder — which
    quantity × unit price cannot express to the cent; TTC is always HT + VAT."""

    label: str
    quantity: Decimal
    unit_price_ht: Decimal
    vat_rate: Decimal
    rubrique: str
    nature: str
    amount_ht: Decimal | None = None
    amount_vat: Decimal | None = None
    explanation: str = ""
    hosting_month: datetime.date | None = None
    cost_share_id: int | None = None


def invoice_number_allocate(*, year: int) -> tuple[int, str]:
    """The next number of ``year``. Must run inside the transaction that uses it: the
    counter row stays locked until that transaction ends, and a rollback returns it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("invoice_number_allocate must run inside a transaction")
    # ON CONFLICT DO NOTHING: two first invoices of a year must not both try to insert.
    InvoiceCounter.objects.bulk_create([InvoiceCounter(year=year)], ignore_conflicts=True)
    counter = InvoiceCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, f"{year}-{counter.last_number:06d}"


def _line_amounts(spec: InvoiceLineSpec) -> tuple[Decimal, Decimal, Decimal]:
    if spec.amount_ht is None:
        amount_ht = round_cents(spec.quantity * spec.unit_price_ht)
    else:
        amount_ht = spec.amount_ht
    if spec.amount_vat is None:
        amount_vat = vat_amount(amount_ht, spec.vat_rate)
    else:
        amount_vat = spec.amount_vat
    return amount_ht, amount_vat, amount_ht + amount_vat


def _validate_spec(spec: InvoiceLineSpec) -> None:
    validate_rubrique(spec.rubrique)
    validate_nature_article(spec.nature)
    if not spec.label.strip():
        raise BillingError("Chaque ligne a une désignation.")
    if spec.amount_vat is not None and spec.amount_ht is None:
        raise BillingError("Un montant de TVA explicite va avec un montant HT explicite.")
    for amount in (spec.amount_ht, spec.amount_vat):
        if amount is not None and not is_whole_cents(amount):
            raise BillingError(f"Un montant se donne au centime près : {amount}.")


@transaction.atomic
def _invoice_write(
    *,
    kind: InvoiceKind,
    commune: Commune,
    period_start: datetime.date,
    period_end: datetime.date,
    issued_on: datetime.date,
    lines: Sequence[InvoiceLineSpec],
    purchase_order: PurchaseOrder | None = None,
    credited_invoice: Invoice | None = None,
    reason: str = "",
) -> Invoice:
    if not lines:
        raise BillingError("Une facture compte au moins une ligne.")
    if period_start > period_end:
        raise BillingError("La période facturée commence après sa fin.")
    sequence, number = invoice_number_allocate(year=issued_on.year)
    invoice = Invoice.objects.create(
        number=number,
        year=issued_on.year,
        sequence=sequence,
        kind=kind,
        commune=commune,
        period_start=period_start,
        period_end=period_end,
        issued_on=issued_on,
        purchase_order=purchase_order,
        credited_invoice=credited_invoice,
        reason=reason,
    )
    total_ht = total_vat = Decimal("0.00")
    for position, spec in enumerate(lines, start=1):
        # Checked after the number is taken on purpose: a failure rolls both back together.
        _validate_spec(spec)
        amount_ht, amount_vat, amount_ttc = _line_amounts(spec)
        InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            label=spec.label,
            explanation=spec.explanation,
            hosting_month=spec.hosting_month,
            cost_share_id=spec.cost_share_id,
            quantity=spec.quantity,
            unit_price_ht=spec.unit_price_ht,
            vat_rate=spec.vat_rate,
            rubrique=spec.rubrique,
            nature=spec.nature,
            amount_ht=amount_ht,
            amount_vat=amount_vat,
            amount_ttc=amount_ttc,
        )
        total_ht += amount_ht
        total_vat += amount_vat
    invoice.total_ht, invoice.total_vat = total_ht, total_vat
    invoice.total_ttc = total_ht + total_vat
    invoice.save(update_fields=["total_ht", "total_vat", "total_ttc"])
    return invoice


def invoice_create(
    *,
    commune: Commune,
    period_start: datetime.date,
    period_end: datetime.date,
    issued_on: datetime.date,
    lines: Sequence[InvoiceLineSpec],
) -> Invoice:
    return _invoice_write(
        kind=InvoiceKind.INVOICE,
        commune=commune,
        period_start=period_start,
        period_end=period_end,
        issued_on=issued_on,
        lines=lines,
    )


@transaction.atomic
def invoice_create_from_order(
    *,
    order: PurchaseOrder,
    period_start: datetime.date,
    period_end: datetime.date,
    issued_on: datetime.date,
    by: Requester | None = None,
) -> Invoice:
    """Bill a delivered order at the prices in force on ``issued_on``, copied onto the lines."""
    order = _locked(order)
    _move_order(order, PurchaseOrderStatus.INVOICED)
    specs = []
    for line in order.lines.select_related("price_line"):
        revision = price_in_force(price_line=line.price_line, on=issued_on)
        specs.append(
            InvoiceLineSpec(
                label=f"{line.price_line.code} — {line.price_line.label} "
                f"({line.price_line.get_unit_display()})",
                quantity=line.quantity,
                unit_price_ht=revision.unit_price_ht,
                vat_rate=revision.vat_rate,
                rubrique=line.rubrique,
                nature=line.nature,
            )
        )
    invoice = _invoice_write(
        kind=InvoiceKind.INVOICE,
        commune=order.commune,
        period_start=period_start,
        period_end=period_end,
        issued_on=issued_on,
        lines=specs,
        purchase_order=order,
    )
    order.save(update_fields=["status"])
    audit(
        by,
        "billing.order_invoiced",
        f"bon de commande n° {order.pk}",
        commune=order.commune.slug,
        invoice=invoice.number,
        total_ttc=invoice.total_ttc,
    )
    return invoice


@transaction.atomic
def invoice_cancel(
    *, invoice: Invoice, issued_on: datetime.date, reason: str, by: Requester | None = None
) -> Invoice:
    """Cancel an invoice by a credit note of the opposite amounts; returns the credit note.

    The credit note repeats each line with its amounts negated (not recomputed), so a usage
    line cancels to the cent. A month billed from usage is released, and the shares of
    shared costs it billed may be billed again.
    """
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.kind != InvoiceKind.INVOICE:
        raise BillingError("Seule une facture s'annule par un avoir.")
    if invoice.status == InvoiceStatus.CANCELLED:
        raise BillingError("Cette facture est déjà annulée.")
    if not reason.strip():
        raise BillingError("Un avoir indique son motif.")
    specs = [
        InvoiceLineSpec(
            label=line.label,
            quantity=-line.quantity,
            unit_price_ht=line.unit_price_ht,
            vat_rate=line.vat_rate,
            rubrique=line.rubrique,
            nature=line.nature,
            amount_ht=-line.amount_ht,
            amount_vat=-line.amount_vat,
            explanation=line.explanation,
            hosting_month=line.hosting_month,
            cost_share_id=line.cost_share_id,
        )
        for line in invoice.lines.all()
    ]
    credit_note = _invoice_write(
        kind=InvoiceKind.CREDIT_NOTE,
        commune=invoice.commune,
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        issued_on=issued_on,
        lines=specs,
        credited_invoice=invoice,
        reason=reason,
    )
    invoice.status = InvoiceStatus.CANCELLED
    invoice.save(update_fields=["status"])
    UsageBilledMonth.objects.filter(invoice=invoice, released_by__isnull=True).update(
        released_by=credit_note
    )
    SharedCost.objects.filter(
        status=SharedCostStatus.INVOICED, shares__invoice_lines__invoice=invoice
    ).update(status=SharedCostStatus.SPLIT)
    audit(
        by,
        "billing.invoice_cancelled",
        invoice.number,
        commune=invoice.commune.slug,
        credit_note=credit_note.number,
        reason=credit_note.reason,
    )
    return credit_note


# --- Communes' billing data ------------------------------------------------------------------


@dataclass(frozen=True)
class BillingProfileSpec:
    siret: str
    billing_address: str
    chorus_service_code: str
    hosting_price_line: PriceLine | None
    hosting_rubrique: str
    hosting_nature: str


@transaction.atomic
def billing_profile_save(
    *, commune: Commune, spec: BillingProfileSpec, by: Requester | None = None
) -> CommuneBillingProfile:
    """Create or update what Chorus Pro needs to route a commune's invoices. Issued invoices
    keep the data they were issued with: only the next ones use the new values."""
    line = spec.hosting_price_line
    if line is not None and line.unit not in (PriceUnit.CLASS_MONTH, PriceUnit.SCHOOL_MONTH):
        raise BillingError(
            "Le tarif d'hébergement doit être facturé par classe ou par école et par mois."
        )
    profile = CommuneBillingProfile.objects.select_for_update().filter(
        commune=commune
    ).first() or CommuneBillingProfile(commune=commune)
    profile.siret = spec.siret.replace(" ", "")
    profile.billing_address = spec.billing_address.strip()
    profile.chorus_service_code = spec.chorus_service_code.strip()
    profile.hosting_price_line = line
    profile.hosting_rubrique = spec.hosting_rubrique
    profile.hosting_nature = spec.hosting_nature
    profile.full_clean()
    profile.save()
    audit(
        by,
        "billing.profile_save",
        commune.schema_name,
        siret=profile.siret,
        hosting_price_line=line.code if line else None,
        imputation=f"{profile.hosting_rubrique}/{profile.hosting_nature}",
    )
    return profile
