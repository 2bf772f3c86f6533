"""Billing in a real browser, as the groupement's coordinator does it from an empty
groupement: record the contract, add a price line, fill in a commune's billing data, create
an order, issue it, deliver it, invoice it and download the PDF (read back: number, amount
TTC, the commune's SIRET); then preview and issue a month's statement from usage. Every
page of the journey passes axe-core.

The coordinator lives in the public schema; the test commits there (``live_server`` serves
another thread) and the transactional flush puts the session's communes back.
"""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from apps.accounts.models import Profile, User
from tenants.db import use_public_schema
from tenants.models import Commune
from tenants.usage.models import ClassCountSnapshot
from tests.browser.conftest import PAGE_TIMEOUT_MS, check_accessibility

pytestmark = pytest.mark.browser

PASSWORD = "Coordination-2026-essai"
SIRET = "21330063500017"


@pytest.fixture
def groupement(transactional_db: None) -> dict[str, Any]:
    """A coordinator with a confirmed TOTP device; Bordeaux with class counts of last month
    (the nightly task's records) and nothing else: no contract, price or billing data."""
    use_public_schema()
    user = User.objects.create_user(
        username="claire.coord",
        first_name="Claire",
        last_name="Coordinatrice",
        profile=Profile.COORDINATOR,
        password=PASSWORD,
    )
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    bordeaux = Commune.objects.get(slug="bordeaux")
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    ClassCountSnapshot.objects.create(
        commune=bordeaux,
        date=last_month,
        primary_classes=12,
        deployed_classes=10,
        deployed_schools=2,
    )
    return {"key": device.bin_key, "commune": bordeaux, "month": last_month}


class Journey:
    def __init__(self, page: Any, artifacts: Path) -> None:
        self.page = page
        self.artifacts = artifacts
        self.step = 0

    def shoot(self, name: str) -> None:
        self.step += 1
        path = self.artifacts / f"{self.step:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        check_accessibility(self.page, name)

    def menu(self, label: str) -> None:
        self.page.get_by_role("navigation", name=re.compile("principal", re.I)).get_by_role(
            "link", name=label, exact=True
        ).click()
        self.page.wait_for_load_state()

    def submit(self, name: str) -> None:
        self.page.get_by_role("button", name=name).click()
        self.page.wait_for_load_state()

    def says(self, text: str) -> None:
        assert text in self.page.inner_text("main"), f"{text!r} not on {self.page.url}"


def test_the_coordinator_sets_up_billing_and_invoices_from_the_pages(
    groupement: dict[str, Any], live_server: Any, browser: Any, artifacts: Path
) -> None:
    port = live_server.url.rsplit(":", 1)[1].rstrip("/")
    context = browser.new_context(
        locale="fr-FR",
        base_url=f"http://{settings.ENT_BASE_DOMAIN}:{port}",
        viewport={"width": 1280, "height": 800},
        accept_downloads=True,
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()
    journey = Journey(page, artifacts)
    today = timezone.localdate()

    page.goto("/connexion/")
    page.get_by_label("Identifiant").fill("claire.coord")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/connexion/code/"))
    page.locator("input[name=code]").fill(f"{totp(groupement['key']):06d}")
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url(re.compile(r"/coordination/$"))
    journey.shoot("accueil")

    # The contract.
    journey.menu("Marché")
    page.get_by_role("link", name="Enregistrer un marché").click()
    page.get_by_label("Référence du marché").fill("2026-ENT-01")
    page.get_by_label("Titulaire").fill("Éditeur coopératif")
    page.get_by_label("Date de notification").fill("2026-01-15")
    journey.shoot("marche-formulaire")
    journey.submit("Enregistrer le marché")
    journey.says("Marché 2026-ENT-01 enregistré")
    journey.shoot("marche")

    # A price line: hosting, per class and per month.
    journey.menu("Bordereau de prix")
    page.get_by_role("link", name="Ajouter une ligne au bordereau").click()
    page.get_by_label("Code").fill("HEB-CLASSE")
    page.get_by_label("Désignation").fill("Hébergement de l'ENT")
    page.get_by_label("Unité").select_option(label="par classe et par mois")
    page.get_by_label("Prix unitaire HT (€)").fill("4,50")
    page.get_by_label("Prix applicable à partir du").fill("2026-01-01")
    journey.shoot("ligne-formulaire")
    journey.submit("Ajouter la ligne")
    journey.says("Ligne HEB-CLASSE ajoutée au bordereau")
    journey.shoot("bordereau")

    # Bordeaux's billing data.
    journey.menu("Communes facturées")
    page.get_by_role("link", name="Renseigner les données de Bordeaux").click()
    page.get_by_label("SIRET").fill("213 300 635 00017")
    page.get_by_label("Adresse de facturation").fill("Place Pey-Berland\n33000 Bordeaux")
    page.get_by_label("Tarif d'hébergement").select_option(
        label="HEB-CLASSE — Hébergement de l'ENT"
    )
    journey.shoot("commune-formulaire")
    journey.submit("Enregistrer")
    journey.says("Données de facturation de Bordeaux enregistrées.")
    journey.shoot("communes")

    # An order: created, issued, delivered, invoiced.
    journey.menu("Bons de commande")
    page.get_by_role("link", name=re.compile("Nouveau bon de commande")).click()
    page.get_by_label("Commune").select_option(label="Bordeaux")
    first = page.locator("fieldset").first
    first.get_by_label("Ligne du bordereau").select_option(
        label="HEB-CLASSE — Hébergement de l'ENT"
    )
    first.get_by_label("Quantité").fill("12")
    first.get_by_label("Rubrique").fill("213")
    first.get_by_label("Article de nature").select_option("611")
    journey.shoot("bon-formulaire")
    journey.submit("Créer le bon de commande (brouillon)")
    page.wait_for_url(re.compile(r"/bons-de-commande/\d+/$"))
    journey.shoot("bon-brouillon")
    journey.submit("Émettre le bon de commande")
    journey.submit("Marquer comme livré")
    page.get_by_label("Début de la période facturée").fill("2026-09-01")
    page.get_by_label("Fin de la période facturée").fill("2026-09-30")
    page.get_by_label("Date d'émission de la facture").fill(today.isoformat())
    journey.shoot("bon-livre")
    journey.submit("Émettre la facture")
    journey.shoot("bon-facture")

    # Django refuses database work while Playwright's loop runs: the page says the number.
    link = page.get_by_role("link", name=re.compile(r"\(PDF\)"))
    number = re.search(r"\d{4}-\d+", link.inner_text())
    assert number is not None, link.inner_text()
    with page.expect_download() as download_info:
        link.click()
    pdf = PdfReader(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert number.group() in text
    assert "64,80" in text  # 12 × 4,50 € HT + 20 % de TVA
    assert SIRET in text

    # A month's statement from usage, previewed then issued.
    journey.menu("Facturation à l'usage")
    month = groupement["month"]
    page.get_by_label("Mois facturé").fill(month.strftime("%Y-%m"))
    journey.submit("Afficher les relevés")
    statement = page.locator("section.statement").filter(has_text="Bordeaux")
    assert "Relevé du" in statement.inner_text()
    journey.shoot("releves")
    journey.submit("Émettre les factures du mois")
    result = page.get_by_role("status").filter(has_text="Bordeaux")
    assert "émise" in result.inner_text()
    assert result.get_by_role("link", name=re.compile("PDF de la facture")).count() == 1
    journey.shoot("releves-emis")
    context.close()
