"""Demo billing: the contract, a price schedule, every commune's billing data and the class
counts of the school year so far, so that a coordinator trying the demo can order, invoice
and split shared costs from the pages (``manage.py seed_demo``). Idempotent: what exists
(or what a coordinator changed since) is kept."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Profile, User
from tenants.billing import services
from tenants.billing.models import (
    CommuneBillingProfile,
    Contract,
    Invoice,
    PriceLine,
    PriceUnit,
    PurchaseOrder,
)
from tenants.billing.validators import luhn_is_valid
from tenants.models import Commune
from tenants.usage import services as usage
from tenants.usage.models import ClassCountSnapshot

CONTRACT_REFERENCE = "2026-ENT-01"
HOSTING_CODE = "HEB-CLASSE"


@dataclass(frozen=True)
class DemoPrice:
    code: str
    label: str
    unit: PriceUnit
    unit_price_ht: Decimal


PRICES = (
    DemoPrice(
        HOSTING_CODE, "Hébergement et exploitation de l'ENT", PriceUnit.CLASS_MONTH, Decimal("4.50")
    ),
    DemoPrice(
        "HEB-ECOLE", "Hébergement d'une école (forfait)", PriceUnit.SCHOOL_MONTH, Decimal("38.00")
    ),
    DemoPrice("DEPLOI", "Déploiement d'une commune", PriceUnit.FLAT, Decimal("1200.00")),
    DemoPrice("FORM-JOUR", "Formation des personnels", PriceUnit.TRAINING_DAY, Decimal("650.00")),
    DemoPrice("ASSIST-H", "Assistance et paramétrage", PriceUnit.HOUR, Decimal("75.00")),
)


@dataclass(frozen=True)
class BillingDemo:
    contract_created: bool
    price_lines_created: int
    profiles_created: int
    snapshots_recorded: int
    invoice_number: str | None


def school_year_start(today: datetime.date) -> datetime.date:
    year = today.year if today.month >= 9 else today.year - 1
    return datetime.date(year, 9, 1)


def demo_siret(insee: str) -> str:
    """A fictitious SIRET of the right shape for a commune (the 13 first digits from its
    INSEE code, the 14th so that the Luhn key holds)."""
    stem = f"2133{insee[-5:]:0>5}0001"
    return next(f"{stem}{key}" for key in "0123456789" if luhn_is_valid(f"{stem}{key}"))


@transaction.atomic
def seed_billing_demo(*, today: datetime.date | None = None) -> BillingDemo:
    day = today or timezone.localdate()
    start = school_year_start(day)
    contract_created = False
    if not Contract.objects.exists():
        services.contract_create(
            spec=services.ContractSpec(
                holder="Société coopérative Numérique Éducatif (fictive)",
                reference=CONTRACT_REFERENCE,
                notified_on=datetime.date(start.year, 7, 1),
                duration_months=48,
                notice_months=4,
            )
        )
        contract_created = True
    lines_created = 0
    for price in PRICES:
        if not PriceLine.objects.filter(code=price.code).exists():
            services.price_line_create(
                spec=services.PriceLineSpec(
                    code=price.code,
                    label=price.label,
                    unit=price.unit,
                    unit_price_ht=price.unit_price_ht,
                    vat_rate=Decimal("20"),
                    valid_from=datetime.date(start.year, 7, 1),
                )
            )
            lines_created += 1
    hosting = PriceLine.objects.get(code=HOSTING_CODE)
    communes = list(usage.live_communes())
    profiles_created = 0
    for commune in communes:
        if CommuneBillingProfile.objects.filter(commune=commune).exists():
            continue
        services.billing_profile_save(
            commune=commune,
            spec=services.BillingProfileSpec(
                siret=demo_siret(commune.insee_code),
                billing_address=f"Hôtel de ville\nService des finances\n{commune.name} (Gironde)",
                chorus_service_code="",
                hosting_price_line=hosting,
                hosting_rubrique="213",
                hosting_nature="611",
            ),
        )
        profiles_created += 1
    return BillingDemo(
        contract_created=contract_created,
        price_lines_created=lines_created,
        profiles_created=profiles_created,
        snapshots_recorded=_class_counts(communes, start=start, today=day),
        invoice_number=_first_invoice(communes, today=day),
    )


def _class_counts(communes: list[Commune], *, start: datetime.date, today: datetime.date) -> int:
    """Today's counts, and the same figures on the first day of each month of the school
    year that has none yet: the demo has no history of its own, and the monthly statements
    and the dashboard need one. A real groupement's history comes from the nightly task."""
    recorded = 0
    for commune in communes:
        usage.class_count_snapshot_record(commune=commune, on=today)
        recorded += 1
        month = start
        while month < today:
            if not ClassCountSnapshot.objects.filter(commune=commune, date=month).exists():
                usage.class_count_snapshot_record(commune=commune, on=month)
                recorded += 1
            month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return recorded


def _first_invoice(communes: list[Commune], *, today: datetime.date) -> str | None:
    """One order followed to its invoice (deployment and two training days for the first
    commune), so that the demo shows an issued invoice and its PDF. Only in a groupement that
    has no order yet, and only once the coordinator, who issues orders, exists."""
    coordinator = User.objects.filter(profile=Profile.COORDINATOR, is_active=True).first()
    if coordinator is None or not communes or PurchaseOrder.objects.exists():
        return None
    if Invoice.objects.exists():
        return None
    commune = next((c for c in communes if c.slug == "bordeaux"), communes[0])
    order = services.purchase_order_create(
        commune=commune,
        lines=[
            services.OrderLineSpec(
                price_line=PriceLine.objects.get(code="DEPLOI"),
                quantity=Decimal("1"),
                rubrique="213",
                nature="611",
            ),
            services.OrderLineSpec(
                price_line=PriceLine.objects.get(code="FORM-JOUR"),
                quantity=Decimal("2"),
                rubrique="213",
                nature="6184",
            ),
        ],
    )
    services.purchase_order_issue(order=order, issued_by=coordinator)
    services.purchase_order_deliver(order=order)
    this_month = today.replace(day=1)
    last_month_end = this_month - datetime.timedelta(days=1)
    invoice = services.invoice_create_from_order(
        order=order,
        period_start=last_month_end.replace(day=1),
        period_end=last_month_end,
        issued_on=this_month,
    )
    return invoice.number
