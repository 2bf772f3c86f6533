from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from tenants.billing.models import CommuneBillingProfile, Contract
from tenants.billing.services import contract_end_notice, invoice_create
from tenants.db import use_public_schema
from tenants.models import Commune
from tests.billing.conftest import line

pytestmark = pytest.mark.django_db


def test_a_coordinator_sees_the_contract_timeline(
    base_login: Callable[[User], Client], coordinator: User
) -> None:
    contract = Contract.objects.create(
        holder="Éditeur SAS", reference="2026-ENT-01", notified_on=datetime.date(2026, 3, 15)
    )
    contract_end_notice(contract=contract, letter_date=datetime.date(2027, 6, 1))

    response = base_login(coordinator).get("/facturation/marche/")

    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "15 mars 2026",
        "1er juin 2027",
        "1er octobre 2027",
        "15 mars 2029",
        "Fin effective",
    ]:
        assert text in html, text


def test_the_timeline_is_refused_to_anyone_else(
    base_login: Callable[[User], Client], tenant_client: Callable[..., Client]
) -> None:
    use_public_schema()
    staff = User.objects.create_user(username="staff", profile=Profile.STAFF)

    assert base_login(staff).get("/facturation/marche/").status_code == 404
    anonymous = tenant_client().get("/facturation/marche/")
    assert anonymous.status_code == 302


def test_a_coordinator_downloads_an_invoice_pdf_and_the_csv(
    base_login: Callable[[User], Client],
    coordinator: User,
    bordeaux_commune: Commune,
    bordeaux_profile: CommuneBillingProfile,
) -> None:
    invoice = invoice_create(
        commune=bordeaux_commune,
        lines=[line()],
        period_start=datetime.date(2026, 9, 1),
        period_end=datetime.date(2026, 9, 30),
        issued_on=datetime.date(2026, 10, 2),
    )
    client = base_login(coordinator)

    pdf = client.get(f"/facturation/factures/{invoice.number}.pdf")
    csv = client.get("/facturation/factures.csv")
    missing = client.get("/facturation/factures/2026-999999.pdf")

    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert csv.status_code == 200
    assert csv.content.startswith(b"\xef\xbb\xbf")
    assert "2026-000001;Facture;02/10/2026;Bordeaux;21330063500017" in csv.content.decode("utf-8")
    assert missing.status_code == 404


def _commune_admin(slug: str) -> User:
    with schema_context(slug):
        return User.objects.create_user(username=f"admin.{slug}", profile=Profile.COMMUNE_ADMIN)


def test_a_commune_administrator_gets_their_own_invoices_on_their_host_and_no_other(
    verified_login: Callable[..., Client],
    bordeaux_commune: Commune,
    bordeaux_profile: CommuneBillingProfile,
) -> None:
    invoice = invoice_create(
        commune=bordeaux_commune,
        lines=[line()],
        period_start=datetime.date(2026, 9, 1),
        period_end=datetime.date(2026, 9, 30),
        issued_on=datetime.date(2026, 10, 2),
    )
    use_public_schema()
    bordeaux_admin = verified_login(_commune_admin("bordeaux"), "bordeaux")
    pessac_admin = verified_login(_commune_admin("pessac"), "pessac")

    own = bordeaux_admin.get(f"/facturation/factures/{invoice.number}.pdf")
    other = pessac_admin.get(f"/facturation/factures/{invoice.number}.pdf")
    other_csv = pessac_admin.get("/facturation/factures.csv").content.decode("utf-8")
    timeline = bordeaux_admin.get("/facturation/marche/")

    assert own.status_code == 200
    assert own.content.startswith(b"%PDF-")
    assert other.status_code == 404
    assert invoice.number not in other_csv
    assert timeline.status_code in (403, 404)
