from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.http import HttpRequest
from django.test import RequestFactory

from tenants.billing.models import CommuneBillingProfile, PriceLine, PriceUnit
from tenants.billing.services import InvoiceLineSpec, price_revision_create
from tenants.db import use_public_schema
from tenants.models import Commune

BORDEAUX_SIRET = "21330063500017"


@pytest.fixture
def bordeaux_commune(db: None) -> Commune:
    use_public_schema()
    return Commune.objects.get(slug="bordeaux")


# An invoice for September 2026, issued on 2 October.
SEPTEMBER = {
    "period_start": datetime.date(2026, 9, 1),
    "period_end": datetime.date(2026, 9, 30),
    "issued_on": datetime.date(2026, 10, 2),
}


@pytest.fixture
def pessac_commune(db: None) -> Commune:
    use_public_schema()
    return Commune.objects.get(slug="pessac")


@pytest.fixture
def hosting(db: None) -> PriceLine:
    use_public_schema()
    line = PriceLine.objects.create(code="HEB-01", label="Hébergement", unit=PriceUnit.CLASS_MONTH)
    price_revision_create(
        price_line=line,
        unit_price_ht=Decimal("12.35"),
        vat_rate=Decimal("20.00"),
        valid_from=datetime.date(2026, 1, 1),
    )
    return line


@pytest.fixture
def bordeaux_profile(bordeaux_commune: Commune) -> CommuneBillingProfile:
    return CommuneBillingProfile.objects.create(
        commune=bordeaux_commune,
        siret=BORDEAUX_SIRET,
        billing_address="Place Pey-Berland\n33000 Bordeaux",
        chorus_service_code="DSI-ENT",
    )


def line(
    label: str = "Formation des enseignants",
    quantity: str = "3",
    price: str = "450.00",
    vat: str = "20.00",
    nature: str = "6184",
) -> InvoiceLineSpec:
    return InvoiceLineSpec(
        label=label,
        quantity=Decimal(quantity),
        unit_price_ht=Decimal(price),
        vat_rate=Decimal(vat),
        rubrique="020",
        nature=nature,
    )


def scope_request(
    user: Any, commune: Commune | None = None, *, verified: bool = True
) -> HttpRequest:
    """A request as the middlewares leave it: ``commune`` is the host's commune (None on the
    base domain) and the session has, or has not, given its second factor."""
    request = RequestFactory().get("/facturation/")
    request.user = user
    request.commune = commune  # type: ignore[attr-defined]
    user.is_verified = lambda: verified  # as OTPMiddleware installs it
    return request
