"""Splitting the groupement's shared costs among its communes (pure functions, Decimal).

Billing by class (docs/architecture.md): the common platform, training and hosting are
shared pro rata to each commune's primary classes. A pro rata share is rarely a whole number
of cents, so shares are rounded with the *largest-remainder* rule
(``tenants.billing.money.split_amount``), so the shares add up exactly to the amount. The
HT amount and the VAT amount are each split that way, so HT, VAT and TTC shares all add up
exactly.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from tenants.billing.money import (
    NothingToSplitOnError,
    ShareLine,
    round_cents,
    split_amount,
    vat_amount,
)


class NoClassesToShareError(NothingToSplitOnError):
    """Every commune has zero classes: there is no basis to split an amount on."""


@dataclass(frozen=True)
class CostShare:
    insee_code: str
    classes: int
    total_classes: int
    ht: ShareLine
    vat: ShareLine

    @property
    def ttc(self) -> Decimal:
        return self.ht.rounded + self.vat.rounded

    def statement(self) -> str:
        """How the share was computed, in one paragraph a finance officer can check."""

        def line(name: str, share: ShareLine) -> str:
            if share.remainder_rank is None:
                return f"{name} : 0,00 € (aucune classe)"
            extra = "+0,01 € (reste le plus fort)" if share.got_extra_cent else "arrondi inférieur"
            return (
                f"{name} : exact {_fr(share.exact_decimal, 6)} €, "
                f"arrondi {_fr(share.rounded, 2)} € "
                f"(rang du reste {share.remainder_rank}, {extra})"
            )

        return (
            f"{self.insee_code} : {self.classes}/{self.total_classes} classes ; "
            f"{line('HT', self.ht)} ; {line('TVA', self.vat)} ; TTC {_fr(self.ttc, 2)} €"
        )


def _fr(value: Decimal, places: int) -> str:
    # A decimal comma and no thousands separator: the statement is read in French and its
    # figures are copied into finance software, like the CSV exports.
    return f"{value:.{places}f}".replace(".", ",")


def share_costs(
    *, amount_ht: Decimal, vat_rate: Decimal, class_counts: Mapping[str, int]
) -> list[CostShare]:
    """Each commune's HT, VAT and TTC share of a shared amount, ordered by INSEE code.

    ``vat_rate`` is a percent (``Decimal("20.00")``). The VAT is computed once on the whole
    amount, then split like the HT amount: shares of HT, VAT and TTC all add up exactly.
    """
    vat = vat_amount(amount_ht, vat_rate)
    try:
        ht_shares = split_amount(amount_ht, class_counts)
        vat_shares = split_amount(vat, class_counts)
    except NothingToSplitOnError:
        raise NoClassesToShareError(
            "aucune commune n'a de classe : impossible de répartir le montant"
        ) from None
    total = sum(class_counts.values())
    return [
        CostShare(
            insee_code=insee,
            classes=class_counts[insee],
            total_classes=total,
            ht=ht_shares[insee],
            vat=vat_shares[insee],
        )
        for insee in sorted(class_counts)
    ]


# -- Hosting, billed per month on what is actually deployed -------------------------------


def days_of_month(year: int, month: int) -> list[date]:
    first = date(year, month, 1)
    return [first + timedelta(days=offset) for offset in range(calendar.monthrange(year, month)[1])]


def daily_counts_for_month(
    *, year: int, month: int, counts: Mapping[date, int], carried_in: int = 0
) -> list[int]:
    """The count for every day of the month; a day without a snapshot keeps the day before.

    ``carried_in`` is the last count known before the month (0 if none).
    """
    current = carried_in
    days = []
    for day in days_of_month(year, month):
        current = counts.get(day, current)
        days.append(current)
    return days


def hosting_charge(
    *,
    year: int,
    month: int,
    counts: Mapping[date, int],
    monthly_unit_price: Decimal,
    carried_in: int = 0,
) -> Decimal:
    """HT hosting of one commune for one month, pro rata temporis.

    Unit-days (class-days or school-days) ÷ days in the month × monthly price per unit,
    computed exactly and rounded once, to the cent, half up: a class deployed on the 16th of
    a 30-day month costs 15/30 of the monthly price.
    """
    unit_days = sum(
        daily_counts_for_month(year=year, month=month, counts=counts, carried_in=carried_in)
    )
    days = calendar.monthrange(year, month)[1]
    if monthly_unit_price < 0:
        raise ValueError("a unit price cannot be negative")
    return round_cents(Fraction(unit_days) * Fraction(monthly_unit_price) / days)
