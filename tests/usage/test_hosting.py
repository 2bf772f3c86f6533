"""Hosting billed per month on the deployed classes, pro rata temporis."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from tenants.models import Commune
from tenants.usage.models import ClassCountSnapshot
from tenants.usage.selectors import hosting_charges_for_month
from tenants.usage.sharing import daily_counts_for_month, hosting_charge

PRICE = Decimal("12.50")  # HT per class and month (illustrative)


def test_a_class_deployed_mid_month_costs_the_days_it_was_deployed():
    """10 classes all April, an 11th from the 16th: 10×30 + 15 class-days out of 30."""
    counts = {date(2027, 4, 1): 10, date(2027, 4, 16): 11}

    charge = hosting_charge(year=2027, month=4, counts=counts, monthly_unit_price=PRICE)

    # 315 / 30 × 12.50 = 131.25 exactly
    assert charge == Decimal("131.25")


def test_the_month_is_rounded_once_half_up():
    """One class from 3 February 2027 (26 of 28 days): 26/28 × 10.01 = 9.295 → 9.30."""
    counts = {date(2027, 2, 3): 1}

    charge = hosting_charge(
        year=2027, month=2, counts=counts, monthly_unit_price=Decimal("10.01"), carried_in=0
    )

    assert charge == Decimal("9.30")


def test_a_missing_day_carries_the_previous_count_forward():
    counts = {date(2027, 4, 1): 3, date(2027, 4, 10): 5, date(2027, 4, 12): 4}

    days = daily_counts_for_month(year=2027, month=4, counts=counts, carried_in=2)

    assert days[:9] == [3] * 9
    assert days[9:11] == [5, 5]
    assert days[11:] == [4] * 19


def test_the_count_before_the_month_carries_into_its_first_days():
    counts = {date(2027, 4, 16): 0}

    days = daily_counts_for_month(year=2027, month=4, counts=counts, carried_in=6)

    assert days == [6] * 15 + [0] * 15


@pytest.mark.django_db
def test_hosting_for_a_month_is_read_from_the_daily_snapshots():
    with schema_context("public"):
        bordeaux = Commune.objects.get(slug="bordeaux")
        pessac = Commune.objects.get(slug="pessac")
        for commune, day, deployed in [
            (bordeaux, date(2027, 3, 28), 20),  # before April: carried into April 1–15
            (bordeaux, date(2027, 4, 16), 21),  # one class deployed mid-month
            (pessac, date(2027, 4, 1), 4),
        ]:
            ClassCountSnapshot.objects.create(
                commune=commune,
                date=day,
                primary_classes=deployed + 5,
                deployed_classes=deployed,
                deployed_schools=1,
            )

        charges = hosting_charges_for_month(year=2027, month=4, monthly_unit_price=PRICE)

    # Bordeaux: (20×15 + 21×15) / 30 × 12.50 = 256.25; Pessac: 4 × 12.50 = 50.00
    assert charges == {"33063": Decimal("256.25"), "33318": Decimal("50.00")}
