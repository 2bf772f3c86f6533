"""The coordinator's set-up pages: the contract, the price schedule's lines and the communes'
billing data can be entered from the pages (and only there by a coordinator), bad input
changes nothing, and the demo seed fills them so that billing can be tried at once."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from provisioning.demo_billing import demo_siret, seed_billing_demo
from tenants.billing.models import (
    CommuneBillingProfile,
    Contract,
    Invoice,
    PriceLine,
    PriceRevision,
    PriceUnit,
)
from tenants.billing.validators import luhn_is_valid
from tenants.db import use_public_schema
from tenants.models import Commune
from tenants.usage.models import ClassCountSnapshot
from tests.billing.conftest import BORDEAUX_SIRET
from tests.helpers import database_state

pytestmark = pytest.mark.django_db


def _text(response: Any) -> str:
    return unescape(response.content.decode())


CONTRACT = {
    "reference": "2026-ENT-07",
    "holder": "Éditeur coopératif",
    "notified_on": "2026-07-01",
    "duration_months": "48",
    "notice_months": "4",
}


def test_the_coordinator_records_a_contract_from_the_contract_page(
    base_login: Callable[[User], Client], coordinator: User
) -> None:
    client = base_login(coordinator)
    timeline = _text(client.get("/facturation/marche/"))
    assert 'href="/facturation/marche/nouveau/"' in timeline

    response = client.post("/facturation/marche/nouveau/", CONTRACT)

    assert response.status_code == 302
    use_public_schema()
    contract = Contract.objects.get(reference="2026-ENT-07")
    assert contract.natural_end_date == datetime.date(2030, 7, 1)
    assert AuditEvent.objects.filter(action="billing.contract_create").count() == 1
    page = _text(client.get(response["Location"]))
    assert (
        "Marché 2026-ENT-07 enregistré : il court du 1er juillet 2026 au 1er juillet 2030." in page
    )


def test_a_second_contract_overlapping_the_running_one_is_refused_and_nothing_changes(
    base_login: Callable[[User], Client], coordinator: User
) -> None:
    client = base_login(coordinator)
    assert client.post("/facturation/marche/nouveau/", CONTRACT).status_code == 302
    before = database_state()

    overlapping = {**CONTRACT, "reference": "2027-ENT-01", "notified_on": "2027-01-15"}
    response = client.post("/facturation/marche/nouveau/", overlapping)
    new = "/facturation/marche/nouveau/"
    duplicate = client.post(new, {**CONTRACT, "notified_on": "2031-01-01"})
    bad_date = client.post(new, {**CONTRACT, "notified_on": "32/13/2026"})

    assert response.status_code == 400
    assert "court jusqu'au 1er juillet 2030" in _text(response)
    assert duplicate.status_code == 400
    assert "déjà enregistré" in _text(duplicate)
    assert bad_date.status_code == 400
    assert database_state() == before


def test_a_price_line_is_added_with_its_first_price(
    base_login: Callable[[User], Client], coordinator: User
) -> None:
    client = base_login(coordinator)
    assert 'href="/facturation/bordereau/nouvelle-ligne/"' in _text(
        client.get("/facturation/bordereau/")
    )
    response = client.post(
        "/facturation/bordereau/nouvelle-ligne/",
        {
            "code": "form-jour",
            "label": "Formation",
            "unit": PriceUnit.TRAINING_DAY,
            "unit_price_ht": "650,00",
            "vat_rate": "20",
            "valid_from": "2026-09-01",
        },
    )

    assert response.status_code == 302
    use_public_schema()
    line = PriceLine.objects.get(code="FORM-JOUR")
    revision = PriceRevision.objects.get(price_line=line)
    assert revision.unit_price_ht == Decimal("650.00")
    assert "650,00\u00a0€ HT par jour de formation" in _text(client.get(response["Location"]))


def test_a_bad_price_line_changes_nothing(
    base_login: Callable[[User], Client], coordinator: User, hosting: PriceLine
) -> None:
    client = base_login(coordinator)
    before = database_state()
    for data in (
        {"code": hosting.code.lower(), "label": "x", "unit": PriceUnit.HOUR},
        {"code": "A B", "label": "x", "unit": PriceUnit.HOUR},
        {"code": "OK", "label": "x", "unit": "per_year"},
        {"code": "OK", "label": "x", "unit": PriceUnit.HOUR, "unit_price_ht": "-3"},
    ):
        response = client.post(
            "/facturation/bordereau/nouvelle-ligne/",
            {"unit_price_ht": "10", "vat_rate": "20", "valid_from": "2026-09-01", **data},
        )
        assert response.status_code == 400, data
    assert database_state() == before


def test_the_coordinator_fills_in_a_communes_billing_data(
    base_login: Callable[[User], Client],
    coordinator: User,
    bordeaux_commune: Commune,
    hosting: PriceLine,
) -> None:
    client = base_login(coordinator)
    dashboard = _text(client.get("/coordination/"))
    assert 'href="/facturation/communes/"' in dashboard
    listing = _text(client.get("/facturation/communes/"))
    assert f'href="/facturation/communes/{bordeaux_commune.pk}/"' in listing
    assert "À renseigner" in listing

    response = client.post(
        f"/facturation/communes/{bordeaux_commune.pk}/",
        {
            "siret": "213 300 635 00017",
            "billing_address": "Place Pey-Berland\n33000 Bordeaux",
            "chorus_service_code": "",
            "hosting_price_line": str(hosting.pk),
            "hosting_rubrique": "213",
            "hosting_nature": "611",
        },
    )

    assert response.status_code == 302
    profile = CommuneBillingProfile.objects.get(commune=bordeaux_commune)
    assert profile.siret == BORDEAUX_SIRET
    assert profile.hosting_price_line == hosting
    assert AuditEvent.objects.filter(action="billing.profile_save").count() == 1
    # The form shows what is stored when the coordinator comes back to it.
    again = _text(client.get(f"/facturation/communes/{bordeaux_commune.pk}/"))
    assert BORDEAUX_SIRET in again


def test_a_bad_siret_is_refused_with_one_french_error(
    base_login: Callable[[User], Client], coordinator: User, bordeaux_commune: Commune
) -> None:
    client = base_login(coordinator)
    before = database_state()
    response = client.post(
        f"/facturation/communes/{bordeaux_commune.pk}/",
        {
            "siret": "21330063500018",
            "billing_address": "Mairie",
            "hosting_rubrique": "213",
            "hosting_nature": "611",
        },
    )
    assert response.status_code == 400
    assert "Ce SIRET n'est pas valide (clé de Luhn)." in _text(response)
    assert database_state() == before
    assert client.get("/facturation/communes/999999/").status_code == 404


def test_commune_hosts_and_commune_accounts_have_no_set_up_pages(
    tenant_client: Callable[..., Client], bordeaux_commune: Commune
) -> None:
    client = tenant_client("bordeaux")
    for path in ("/facturation/marche/nouveau/", "/facturation/communes/"):
        assert client.get(path).status_code in (302, 403, 404), path


def test_the_demo_seed_makes_billing_usable_and_is_idempotent(coordinator: User) -> None:
    use_public_schema()
    today = datetime.date(2026, 12, 2)
    first = seed_billing_demo(today=today)
    second = seed_billing_demo(today=today)

    assert first.contract_created and not second.contract_created
    assert first.price_lines_created == 5 and second.price_lines_created == 0
    assert second.profiles_created == 0
    assert first.invoice_number is not None and second.invoice_number is None
    invoice = Invoice.objects.get(number=first.invoice_number)
    assert invoice.commune.slug == "bordeaux"
    assert invoice.total_ttc == Decimal("3000.00")  # (1 200 + 2 × 650) HT, TVA 20 %
    assert invoice.period_start == datetime.date(2026, 11, 1)
    communes = Commune.objects.filter(billing_profile__isnull=False)
    assert communes.count() == first.profiles_created > 0
    for profile in CommuneBillingProfile.objects.all():
        assert profile.hosting_price_line is not None
        profile.full_clean()
    # Every month of the school year so far has a class count, so that November can be billed.
    bordeaux_commune = Commune.objects.get(slug="bordeaux")
    dates = set(
        ClassCountSnapshot.objects.filter(commune=bordeaux_commune).values_list("date", flat=True)
    )
    assert {datetime.date(2026, m, 1) for m in (9, 10, 11, 12)} | {today} <= dates


def test_demo_sirets_are_valid() -> None:
    for insee in ("33063", "33318", "33032", "33550"):
        siret = demo_siret(insee)
        assert len(siret) == 14 and luhn_is_valid(siret)
