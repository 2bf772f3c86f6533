"""Cost sharing by classes: exact to the cent, whatever the class counts (property tests)."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenants.billing.money import split_amount
from tenants.billing.money import vat_amount as vat_of
from tenants.usage.sharing import NoClassesToShareError, share_costs

VAT = Decimal("20.00")  # percent, as the price revisions and shared costs store it

amounts = st.integers(min_value=0, max_value=10**11).map(lambda cents: Decimal(cents) / 100)
insee_codes = st.from_regex(r"\A33[0-9]{3}\Z", fullmatch=True)
class_counts = st.dictionaries(insee_codes, st.integers(0, 5_000), min_size=1, max_size=12).filter(
    lambda counts: sum(counts.values()) > 0
)


@given(amount=amounts, counts=class_counts)
def test_ht_vat_and_ttc_shares_add_up_exactly_to_the_amount(amount, counts):
    shares = share_costs(amount_ht=amount, vat_rate=VAT, class_counts=counts)

    assert sum(share.ht.rounded for share in shares) == amount
    assert sum(share.vat.rounded for share in shares) == vat_of(amount, VAT)
    assert sum(share.ttc for share in shares) == amount + vat_of(amount, VAT)


@given(amount=amounts, counts=class_counts)
def test_each_share_is_within_one_cent_of_the_exact_pro_rata_value(amount, counts):
    total = sum(counts.values())
    for insee, line in split_amount(amount, counts).items():
        exact = Fraction(amount) * counts[insee] / total
        assert line.exact == exact
        assert abs(Fraction(line.rounded) - exact) < Fraction(1, 100)


@given(amount=amounts, counts=class_counts)
def test_a_commune_with_more_classes_never_pays_less(amount, counts):
    shares = share_costs(amount_ht=amount, vat_rate=VAT, class_counts=counts)
    for a in shares:
        for b in shares:
            if a.classes > b.classes:
                assert a.ht.rounded >= b.ht.rounded
                assert a.vat.rounded >= b.vat.rounded
                assert a.ttc >= b.ttc


@given(amount=amounts, counts=class_counts, seed=st.integers())
def test_permuting_the_communes_changes_nothing(amount, counts, seed):
    items = list(counts.items())
    random.Random(seed).shuffle(items)

    assert share_costs(amount_ht=amount, vat_rate=VAT, class_counts=dict(items)) == share_costs(
        amount_ht=amount, vat_rate=VAT, class_counts=counts
    )


@given(amount=amounts, counts=class_counts)
def test_a_commune_with_no_class_pays_nothing(amount, counts):
    counts = {**counts, "33999": 0}
    (share,) = [
        s
        for s in share_costs(amount_ht=amount, vat_rate=VAT, class_counts=counts)
        if s.insee_code == "33999"
    ]

    assert share.ttc == Decimal("0.00")
    assert share.ht.remainder_rank is None
    assert "aucune classe" in share.statement()


@given(amount=amounts, communes=st.lists(insee_codes, min_size=1, max_size=9, unique=True))
def test_all_communes_at_zero_classes_is_an_error(amount, communes):
    with pytest.raises(NoClassesToShareError):
        share_costs(amount_ht=amount, vat_rate=VAT, class_counts=dict.fromkeys(communes, 0))


def test_ties_on_the_remainder_go_to_the_smaller_insee_code():
    """1 cent among three equal communes: the remainders tie, the INSEE code decides."""
    shares = split_amount(Decimal("0.01"), {"33318": 1, "33032": 1, "33063": 1})

    assert {insee: line.rounded for insee, line in shares.items()} == {
        "33032": Decimal("0.01"),
        "33063": Decimal("0.00"),
        "33318": Decimal("0.00"),
    }
    assert [shares[i].remainder_rank for i in ("33032", "33063", "33318")] == [1, 2, 3]


def test_the_statement_explains_the_rounding():
    """HT 100.00 and VAT 20.00 over 2:1 classes: Bordeaux's HT remainder (0.666…) is the
    largest, Pessac's VAT one (0.666… of 6.666…) is; each gets that amount's missing cent."""
    bordeaux, pessac = share_costs(
        amount_ht=Decimal("100.00"), vat_rate=VAT, class_counts={"33063": 2, "33318": 1}
    )

    assert bordeaux.ht.rounded == Decimal("66.67") and bordeaux.ht.got_extra_cent
    assert pessac.ht.rounded == Decimal("33.33") and not pessac.ht.got_extra_cent
    assert bordeaux.statement() == (
        "33063 : 2/3 classes ; HT : exact 66,666667 €, arrondi 66,67 € "
        "(rang du reste 1, +0,01 € (reste le plus fort)) ; "
        "TVA : exact 13,333333 €, arrondi 13,33 € (rang du reste 2, arrondi inférieur) ; "
        "TTC 80,00 €"
    )


@pytest.mark.parametrize("amount", [Decimal("-1.00"), Decimal("1.001")])
def test_an_amount_must_be_whole_non_negative_cents(amount):
    with pytest.raises(ValueError):
        split_amount(amount, {"33063": 1})
