"""Splitting the groupement's shared costs among its communes (pure functions, Decimal).

The groupement's members share the common platform, training and hosting pro rata to each
commune's primary classes (docs/billing.md). A pro rata share is rarely a whole number of
cents, so shares are rounded with the *largest-remainder* rule: every commune first gets its
share rounded down to the cent, then the cents still missing go one each to the communes
with the largest remainders (ties broken by INSEE code), so the shares add up exactly to the
amount. The HT amount and the VAT amount are each split that way, so HT, VAT and TTC shares
all add up exactly.

Everything is integer arithmetic on cents: the same inputs always give the same shares.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")


class NoClassesToShareError(ValueError):
    """Every commune has zero classes: there is no basis to split an amount on."""


@dataclass(frozen=True)
class ShareLine:
    """One commune's part of one amount, and how its rounding came about."""

    exact: Fraction  # amount × classes / total classes, unrounded
    rounded: Decimal  # what the commune pays, to the cent
    # 1-based place of the commune in the order of remainders (largest first, then INSEE
    # code); None for a commune with no classes, which pays nothing.
    remainder_rank: int | None
    got_extra_cent: bool

    @property
    def exact_decimal(self) -> Decimal:
        return Decimal(self.exact.numerator) / Decimal(self.exact.denominator)


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


def _cents(amount: Decimal) -> int:
    if amount < 0:
        raise ValueError(f"a shared amount cannot be negative: {amount}")
    if amount != amount.quantize(CENT):
        raise ValueError(f"a shared amount is in whole cents: {amount}")
    return int(amount * 100)


def split_amount(amount: Decimal, class_counts: Mapping[str, int]) -> dict[str, ShareLine]:
    """``amount`` among the communes (INSEE code → classes), by largest remainder."""
    if any(count < 0 for count in class_counts.values()):
        raise ValueError("a class count cannot be negative")
    total = sum(class_counts.values())
    if total == 0:
        raise NoClassesToShareError(
            "aucune commune n'a de classe : impossible de répartir le montant"
        )
    cents = _cents(amount)
    floors = {insee: cents * count // total for insee, count in class_counts.items()}
    remainders = {insee: cents * count % total for insee, count in class_counts.items()}
    missing = cents - sum(floors.values())
    # Each remainder is < total and they add up to missing × total, so fewer than `missing`
    # communes would be short of one cent without the rule, and a commune with no class
    # (remainder 0) never gets one.
    order = sorted(
        (insee for insee, count in class_counts.items() if count > 0),
        key=lambda insee: (-remainders[insee], insee),
    )
    ranks = {insee: rank for rank, insee in enumerate(order, start=1)}
    shares = {}
    for insee, count in class_counts.items():
        rank = ranks.get(insee)
        extra = rank is not None and rank <= missing
        shares[insee] = ShareLine(
            exact=Fraction(cents * count, total * 100),
            rounded=(Decimal(floors[insee] + (1 if extra else 0)) / 100).quantize(CENT),
            remainder_rank=rank,
            got_extra_cent=extra,
        )
    return shares


def vat_of(amount_ht: Decimal, vat_rate: Decimal) -> Decimal:
    """The VAT on a whole amount, rounded once to the cent (half up)."""
    return (amount_ht * vat_rate).quantize(CENT, rounding=ROUND_HALF_UP)


def share_costs(
    *, amount_ht: Decimal, vat_rate: Decimal, class_counts: Mapping[str, int]
) -> list[CostShare]:
    """Each commune's HT, VAT and TTC share of a shared amount, ordered by INSEE code.

    ``vat_rate`` is a fraction (``Decimal("0.20")``). The VAT is computed once on the whole
    amount, then split like the HT amount: shares of HT, VAT and TTC all add up exactly.
    """
    vat = vat_of(amount_ht, vat_rate)
    ht_shares = split_amount(amount_ht, class_counts)
    vat_shares = split_amount(vat, class_counts)
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
    # Exact in fractions of a cent, so no intermediate rounding can tip the half-up rule.
    exact_cents = Fraction(unit_days) * Fraction(monthly_unit_price) * 100 / days
    return (Decimal(math.floor(exact_cents + Fraction(1, 2))) / 100).quantize(CENT)
