"""Money, in one place: cents rounded half up, VAT at a percent rate, largest-remainder splits.

Every amount the groupement bills is a ``Decimal`` in euros with two places. The rules:

* **Rounding**: to the cent, half up (0.005 → 0.01; -0.005 → -0.01, away from zero), and only
  once, on the exact value: ``round_cents`` takes a ``Decimal`` or an exact ``Fraction``.
* **VAT**: a rate is a percent, ``Decimal("20.00")``, as the price revisions, invoice lines
  and shared costs store it (``taux de TVA (%)``); ``vat_amount`` is the VAT of a whole HT
  amount, rounded once.
* **Splits**: ``split_amount`` shares an amount in whole cents among weights (classes) with
  the *largest-remainder* rule: every part is first rounded down to the cent, then the cents
  still missing go one each to the parts with the largest remainders (ties broken by key),
  so the parts add up exactly to the amount. Integer arithmetic on cents: the same inputs
  always give the same parts.

Pure functions with no Django import, so that billing, usage, the dashboard and the apps
can all use them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def round_cents(value: Decimal | Fraction) -> Decimal:
    """``value`` to the cent, half up (away from zero), e.g. 1.005 → 1.01, -1.005 → -1.01."""
    if isinstance(value, Fraction):
        # Exact in fractions of a cent, so no intermediate rounding can tip the half-up rule.
        cents = math.floor(abs(value) * 100 + Fraction(1, 2))
        return (Decimal(-cents if value < 0 else cents) / HUNDRED).quantize(CENT)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def is_whole_cents(amount: Decimal) -> bool:
    return amount == round_cents(amount)


def vat_amount(amount_ht: Decimal, vat_rate: Decimal) -> Decimal:
    """The VAT on a whole HT amount at ``vat_rate`` percent (``Decimal("20.00")``), rounded
    once to the cent, half up."""
    return round_cents(amount_ht * vat_rate / HUNDRED)


class NothingToSplitOnError(ValueError):
    """Every weight is zero: there is no basis to split an amount on."""


@dataclass(frozen=True)
class ShareLine:
    """One part of a split amount, and how its rounding came about."""

    exact: Fraction  # amount × weight / total weight, unrounded
    rounded: Decimal  # the part, to the cent
    # 1-based place of the part in the order of remainders (largest first, then key); None
    # for a zero weight, which gets nothing.
    remainder_rank: int | None
    got_extra_cent: bool

    @property
    def exact_decimal(self) -> Decimal:
        return Decimal(self.exact.numerator) / Decimal(self.exact.denominator)


def _cents(amount: Decimal) -> int:
    if amount < 0:
        raise ValueError(f"a shared amount cannot be negative: {amount}")
    if not is_whole_cents(amount):
        raise ValueError(f"a shared amount is in whole cents: {amount}")
    return int(amount * 100)


def split_amount(amount: Decimal, weights: Mapping[str, int]) -> dict[str, ShareLine]:
    """``amount`` among ``weights`` (key → weight), by largest remainder.

    Raises ``ValueError`` for a negative amount or weight or an amount not in whole cents,
    ``NothingToSplitOnError`` when every weight is zero.
    """
    if any(weight < 0 for weight in weights.values()):
        raise ValueError("a weight cannot be negative")
    total = sum(weights.values())
    if total == 0:
        raise NothingToSplitOnError("every weight is zero: nothing to split the amount on")
    cents = _cents(amount)
    floors = {key: cents * weight // total for key, weight in weights.items()}
    remainders = {key: cents * weight % total for key, weight in weights.items()}
    missing = cents - sum(floors.values())
    # Each remainder is < total and they add up to missing × total, so fewer than `missing`
    # parts would be short of one cent without the rule, and a zero weight (remainder 0)
    # never gets one.
    order = sorted(
        (key for key, weight in weights.items() if weight > 0),
        key=lambda key: (-remainders[key], key),
    )
    ranks = {key: rank for rank, key in enumerate(order, start=1)}
    parts = {}
    for key, weight in weights.items():
        rank = ranks.get(key)
        extra = rank is not None and rank <= missing
        parts[key] = ShareLine(
            exact=Fraction(cents * weight, total * 100),
            rounded=(Decimal(floors[key] + (1 if extra else 0)) / HUNDRED).quantize(CENT),
            remainder_rank=rank,
            got_extra_cent=extra,
        )
    return parts
