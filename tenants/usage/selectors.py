"""Reading the snapshots for billing: class counts at a date, hosting for a month."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Literal

from tenants.usage.models import ClassCountSnapshot
from tenants.usage.sharing import days_of_month, hosting_charge

HostingBasis = Literal["deployed_classes", "deployed_schools"]


def class_counts_at(*, on: date) -> dict[str, int]:
    """INSEE code → primary classes, from each commune's snapshot of ``on``."""
    return dict(
        ClassCountSnapshot.objects.filter(date=on).values_list(
            "commune__insee_code", "primary_classes"
        )
    )


def hosting_charges_for_month(
    *,
    year: int,
    month: int,
    monthly_unit_price: Decimal,
    basis: HostingBasis = "deployed_classes",
) -> dict[str, Decimal]:
    """INSEE code → HT hosting for the month, from the daily snapshots (two queries)."""
    days = days_of_month(year, month)
    in_month: dict[str, dict[date, int]] = defaultdict(dict)
    for insee, day, count in ClassCountSnapshot.objects.filter(
        date__gte=days[0], date__lte=days[-1]
    ).values_list("commune__insee_code", "date", basis):
        in_month[insee][day] = count
    # The last count before the month carries into its first days.
    carried: dict[str, int] = {}
    for insee, count in (
        ClassCountSnapshot.objects.filter(date__lt=days[0])
        .order_by("commune_id", "-date")
        .distinct("commune_id")
        .values_list("commune__insee_code", basis)
    ):
        carried[insee] = count
    return {
        insee: hosting_charge(
            year=year,
            month=month,
            counts=in_month.get(insee, {}),
            monthly_unit_price=monthly_unit_price,
            carried_in=carried.get(insee, 0),
        )
        for insee in sorted(set(in_month) | set(carried))
    }
