"""The money rules, in their one home: half-up cents, VAT at a percent rate, exact splits."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenants.billing import money
from tenants.billing.money import (
    NothingToSplitOnError,
    is_whole_cents,
    round_cents,
    split_amount,
    vat_amount,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1.005"), Decimal("1.01")),
        (Decimal("1.004999"), Decimal("1.00")),
        (Decimal("-1.005"), Decimal("-1.01")),
        (Decimal("2"), Decimal("2.00")),
        (Fraction(201, 200), Decimal("1.01")),  # 1.005 exactly
        (Fraction(-201, 200), Decimal("-1.01")),
        (Fraction(1, 3), Decimal("0.33")),
        (Fraction(2, 3), Decimal("0.67")),
    ],
)
def test_cents_are_rounded_half_up_away_from_zero(value, expected):
    rounded = round_cents(value)

    assert rounded == expected
    assert rounded.as_tuple().exponent == -2


@given(cents=st.integers(-(10**9), 10**9), thousandths=st.integers(0, 9))
def test_a_fraction_and_the_same_decimal_round_alike(cents, thousandths):
    """The hosting charge rounds an exact Fraction, the invoice lines a Decimal: one rule."""
    value = Decimal(cents) / 100 + Decimal(thousandths) / 1000 * (1 if cents >= 0 else -1)

    assert round_cents(Fraction(value)) == round_cents(value)


def test_vat_is_a_percent_rate_rounded_once():
    assert vat_amount(Decimal("100.00"), Decimal("20.00")) == Decimal("20.00")
    assert vat_amount(Decimal("0.05"), Decimal("10.00")) == Decimal("0.01")  # 0.005, half up
    assert vat_amount(Decimal("33.33"), Decimal("5.50")) == Decimal("1.83")  # 1.83315
    assert vat_amount(Decimal("-0.05"), Decimal("10.00")) == Decimal("-0.01")  # a credit note


def test_whole_cents():
    assert is_whole_cents(Decimal("12.30"))
    assert not is_whole_cents(Decimal("12.305"))


@given(
    cents=st.integers(0, 10**10),
    weights=st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 1000), min_size=1),
)
def test_a_split_adds_up_exactly(cents, weights):
    if not any(weights.values()):
        with pytest.raises(NothingToSplitOnError):
            split_amount(Decimal(cents) / 100, weights)
        return
    parts = split_amount(Decimal(cents) / 100, weights)

    assert sum(part.rounded for part in parts.values()) == Decimal(cents) / 100
    assert all(part.rounded == 0 for key, part in parts.items() if weights[key] == 0)


def test_no_other_module_rounds_cents_or_applies_a_vat_rate_on_its_own():
    """The rules have one home: no billing, usage or dashboard module quantizes to the cent
    or divides a rate by 100 itself."""
    from pathlib import Path

    root = Path(money.__file__).resolve().parents[2]
    offenders = []
    for folder in ("tenants/billing", "tenants/usage", "tenants/dashboard"):
        for path in (root / folder).rglob("*.py"):
            if path.name == "money.py" or "migrations" in path.parts:
                continue
            text = path.read_text()
            for needle in ("ROUND_HALF_UP", "quantize(CENT", "/ Decimal(100)", "Fraction(1, 2)"):
                if needle in text:
                    offenders.append(f"{path.relative_to(root)}: {needle}")
    assert offenders == []
