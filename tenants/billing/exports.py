"""An invoice as a PDF (WeasyPrint, in French) and invoices as CSV for finance software."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.template.loader import render_to_string

from apps.csvexport import csv_bytes
from tenants.billing.models import CommuneBillingProfile, Invoice

CSV_COLUMNS = [
    "Numéro",
    "Nature",
    "Date d'émission",
    "Commune",
    "SIRET",
    "Service Chorus Pro",
    "Facture annulée",
    "Ligne",
    "Désignation",
    "Quantité",
    "Prix unitaire HT",
    "Taux de TVA",
    "Montant HT",
    "Montant TVA",
    "Montant TTC",
    "Rubrique",
    "Article de nature",
    "Détail du calcul",
]


def decimal_fr(value: Decimal) -> str:
    """``1234.5`` → ``"1234,50"``: no thousands separator, finance software parses it."""
    return f"{value:.2f}".replace(".", ",")


def euros_fr(value: Decimal) -> str:
    """``1234.5`` → ``"1 234,50 €"`` for print."""
    return f"{value:,.2f} €".replace(",", " ").replace(".", ",")


def invoice_html(*, invoice: Invoice, profile: CommuneBillingProfile | None) -> str:
    groupement = invoice.commune.groupement
    lines = [
        {
            "line": line,
            "quantity": decimal_fr(line.quantity),
            "unit_price_ht": euros_fr(line.unit_price_ht),
            "vat_rate": decimal_fr(line.vat_rate),
            "amount_ht": euros_fr(line.amount_ht),
            "amount_ttc": euros_fr(line.amount_ttc),
        }
        for line in invoice.lines.all()
    ]
    return render_to_string(
        "billing/invoice.html",
        {
            "invoice": invoice,
            "groupement": groupement,
            "coordinator": groupement.coordinator if groupement else None,
            "profile": profile,
            "lines": lines,
            "total_ht": euros_fr(invoice.total_ht),
            "total_vat": euros_fr(invoice.total_vat),
            "total_ttc": euros_fr(invoice.total_ttc),
        },
    )


def invoice_pdf(*, invoice: Invoice, profile: CommuneBillingProfile | None) -> bytes:
    # Imported here: WeasyPrint loads pango and its fonts, which every other request can skip.
    from weasyprint import HTML

    pdf: bytes = HTML(string=invoice_html(invoice=invoice, profile=profile)).write_pdf()
    return pdf


def invoices_csv(
    *, invoices: Iterable[Invoice], profiles: dict[int, CommuneBillingProfile]
) -> bytes:
    """One row per invoice line, decimal comma; ``;``, UTF-8 with a BOM and formulas
    neutralised (``apps.csvexport``)."""
    return csv_bytes(CSV_COLUMNS, _invoice_rows(invoices, profiles))


def _invoice_rows(
    invoices: Iterable[Invoice], profiles: dict[int, CommuneBillingProfile]
) -> Iterable[list[object]]:
    for invoice in invoices:
        profile = profiles.get(invoice.commune_id)
        credited = invoice.credited_invoice.number if invoice.credited_invoice else ""
        for line in invoice.lines.all():
            yield [
                invoice.number,
                invoice.get_kind_display(),
                invoice.issued_on.strftime("%d/%m/%Y"),
                invoice.commune.name,
                profile.siret if profile else "",
                profile.chorus_service_code if profile else "",
                credited,
                line.position,
                line.label,
                decimal_fr(line.quantity),
                decimal_fr(line.unit_price_ht),
                decimal_fr(line.vat_rate),
                decimal_fr(line.amount_ht),
                decimal_fr(line.amount_vat),
                decimal_fr(line.amount_ttc),
                line.rubrique,
                line.nature,
                # One physical line per row: some finance imports stop at a newline.
                " ; ".join(part.strip() for part in line.explanation.splitlines() if part),
            ]
