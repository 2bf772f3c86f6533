"""A commune suspended or archived is billed for the days it was served and for its shares."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from apps.accounts.models import User
from provisioning import status
from provisioning.status import commune_status_change
from tenants.billing.invoicing import (
    StatementError,
    month_statements,
    shared_cost_create,
    shared_cost_split,
    statement_build,
    usage_invoices_issue_month,
)
from tenants.billing.models import (
    CommuneBillingProfile,
    PriceLine,
    PriceUnit,
    SharedCostStatus,
)
from tenants.billing.permissions import groupement_scope
from tenants.billing.services import price_revision_create
from tenants.db import use_public_schema
from tenants.models import Commune
from tenants.usage.models import ClassCountSnapshot
from tenants.usage.services import class_counts_collect
from tests.billing.conftest import scope_request

SIRETS = {"bordeaux": "21330063500017", "pessac": "21330318000003", "bassens": "21330032000008"}
PRICE = Decimal("12.35")
SEPTEMBER = datetime.date(2026, 9, 1)
OCTOBER = datetime.date(2026, 10, 1)
NOVEMBER = datetime.date(2026, 11, 1)


@pytest.fixture
def hosting_at_price(db: None) -> PriceLine:
    use_public_schema()
    line = PriceLine.objects.create(code="HEB-01", label="Hébergement", unit=PriceUnit.CLASS_MONTH)
    price_revision_create(
        price_line=line,
        unit_price_ht=PRICE,
        vat_rate=Decimal("20.00"),
        valid_from=datetime.date(2026, 1, 1),
    )
    return line


def _billed(slug: str, hosting_at_price: PriceLine) -> Commune:
    commune = Commune.objects.get(slug=slug)
    CommuneBillingProfile.objects.create(
        commune=commune,
        siret=SIRETS[slug],
        billing_address=f"Hôtel de ville\n{commune.name}",
        hosting_price_line=hosting_at_price,
        hosting_rubrique="020",
        hosting_nature="611",
    )
    return commune


def _snapshot(commune: Commune, day: datetime.date, classes: int) -> None:
    ClassCountSnapshot.objects.create(
        commune=commune,
        date=day,
        primary_classes=classes,
        deployed_classes=classes,
        deployed_schools=1,
    )


def _suspend_on(monkeypatch: pytest.MonkeyPatch, day: datetime.date, slug: str, to: str) -> None:
    monkeypatch.setattr(status, "_today", lambda: day)
    commune_status_change(commune=slug, to=to, reason="Impayés")


def _outcomes(coordinator: User, month: datetime.date) -> dict[str, Any]:
    scope = groupement_scope(scope_request(coordinator))
    return {o.commune.slug: o for o in month_statements(scope=scope, month=month)}


def test_a_commune_suspended_on_the_16th_of_a_30_day_month_pays_15_30_of_its_hosting(
    hosting_at_price, coordinator, monkeypatch
):
    """10 classes deployed in November until Pessac is suspended on the 16th: 10 × 15/30 ×
    12.35 € = 61.75 € HT. Carried forward from the 10th, it would have paid the whole month."""
    pessac_commune = _billed("pessac", hosting_at_price)
    _snapshot(pessac_commune, datetime.date(2026, 10, 31), 10)
    _snapshot(pessac_commune, NOVEMBER, 10)
    _snapshot(pessac_commune, datetime.date(2026, 11, 10), 10)

    _suspend_on(monkeypatch, datetime.date(2026, 11, 16), "pessac", "suspended")

    outcome = _outcomes(coordinator, NOVEMBER)["pessac"]
    (line,) = outcome.statement.lines
    assert line.amount_ht == (10 * PRICE * Decimal(15) / Decimal(30)).quantize(Decimal("0.01"))
    assert line.amount_ht == Decimal("61.75")
    assert "du 1er au 15 : 10 ; du 16 au 30 : 0" in line.explanation
    assert "150 classes-jours ÷ 30 jours" in line.explanation

    rows = usage_invoices_issue_month(month=NOVEMBER, issued_on=datetime.date(2026, 12, 1))

    (row,) = [row for row in rows if row.commune.slug == "pessac"]
    assert row.outcome == "issued" and row.invoice is not None
    assert row.invoice.lines.get().amount_ht == Decimal("61.75")


def test_a_share_split_while_live_is_billed_after_the_suspension(
    hosting_at_price, coordinator, monkeypatch
):
    communes = {slug: _billed(slug, hosting_at_price) for slug in ("bordeaux", "pessac", "bassens")}
    for commune, classes in zip(communes.values(), (60, 30, 10), strict=True):
        _snapshot(commune, SEPTEMBER, classes)
    cost = shared_cost_create(
        label="Socle commun",
        amount_ht=Decimal("1000.00"),
        vat_rate=Decimal("20.00"),
        reference_date=SEPTEMBER,
        period_start=SEPTEMBER,
        period_end=datetime.date(2027, 8, 31),
        rubrique="020",
        nature="2031",
        created_by=coordinator,
    )
    shared_cost_split(shared_cost=cost)
    _suspend_on(monkeypatch, datetime.date(2026, 9, 20), "pessac", "suspended")
    _suspend_on(monkeypatch, datetime.date(2026, 9, 25), "pessac", "archived")
    # The nightly collection still counts the live communes only.
    class_counts_collect(on=OCTOBER)
    assert not ClassCountSnapshot.objects.filter(commune__slug="pessac", date=OCTOBER).exists()

    outcomes = _outcomes(coordinator, OCTOBER)

    # Archived, not served in October: its share alone, no hosting line.
    (share,) = outcomes["pessac"].statement.lines
    assert share.cost_share_id is not None
    assert share.amount_ht == Decimal("300.00")
    assert "quote-part 30/100 classes" in share.label

    rows = usage_invoices_issue_month(month=OCTOBER, issued_on=datetime.date(2026, 11, 2))

    assert [(row.commune.slug, row.outcome) for row in rows] == [
        ("bassens", "issued"),
        ("bordeaux", "issued"),
        ("pessac", "issued"),
    ]
    assert [row.invoice.total_ttc for row in rows if row.invoice][2] == Decimal("360.00")
    cost.refresh_from_db()
    assert cost.status == SharedCostStatus.INVOICED  # no share left unbilled
    # Billed once: November has nothing left for Pessac.
    assert "pessac" not in _outcomes(coordinator, NOVEMBER)


def test_the_suspension_month_bills_the_days_served_before_it(
    hosting_at_price, coordinator, monkeypatch
):
    pessac_commune = _billed("pessac", hosting_at_price)
    _snapshot(pessac_commune, SEPTEMBER, 30)

    _suspend_on(monkeypatch, datetime.date(2026, 9, 20), "pessac", "suspended")

    (line,) = _outcomes(coordinator, SEPTEMBER)["pessac"].statement.lines
    assert "du 1er au 19 : 30 ; du 20 au 30 : 0" in line.explanation
    assert line.amount_ht == Decimal("234.65")  # 30 × 19/30 × 12.35


def test_a_suspended_commune_with_nothing_left_to_bill_is_left_out(
    hosting_at_price, coordinator, monkeypatch
):
    pessac_commune = _billed("pessac", hosting_at_price)
    bassens = _billed("bassens", hosting_at_price)
    _snapshot(pessac_commune, datetime.date(2026, 10, 31), 10)
    _snapshot(bassens, datetime.date(2026, 10, 19), 4)
    # Pessac stops on the 1st: its only November snapshot deploys nothing. Bassens stopped
    # in October: nothing in November at all.
    _suspend_on(monkeypatch, NOVEMBER, "pessac", "suspended")
    _suspend_on(monkeypatch, datetime.date(2026, 10, 20), "bassens", "archived")

    outcomes = _outcomes(coordinator, NOVEMBER)
    rows = usage_invoices_issue_month(
        month=NOVEMBER, issued_on=datetime.date(2026, 12, 1), dry_run=True
    )

    assert list(outcomes) == ["bordeaux"]  # live: listed, even with nothing to bill
    assert [row.commune.slug for row in rows] == ["bordeaux"]
    with pytest.raises(StatementError, match="Pessac : rien à facturer"):
        statement_build(
            commune=Commune.objects.get(slug="pessac"),
            period_start=NOVEMBER,
            period_end=datetime.date(2026, 11, 30),
        )


def test_the_preview_with_suspended_communes_costs_the_same(
    hosting_at_price, coordinator, monkeypatch, django_assert_num_queries
):
    for slug in ("bordeaux", "pessac", "bassens"):
        _snapshot(_billed(slug, hosting_at_price), OCTOBER, 5)
    _suspend_on(monkeypatch, datetime.date(2026, 10, 10), "pessac", "suspended")
    _suspend_on(monkeypatch, datetime.date(2026, 10, 12), "bassens", "archived")
    scope = groupement_scope(scope_request(coordinator))

    with django_assert_num_queries(7):  # communes, profiles, prices, 2× snapshots, shares, billed
        outcomes = month_statements(scope=scope, month=OCTOBER)

    assert [(o.commune.slug, o.statement.total_ht) for o in outcomes if o.statement] == [
        ("bassens", Decimal("21.91")),  # 5 × 11/31 × 12.35 = 21.911…
        ("bordeaux", Decimal("61.75")),
        ("pessac", Decimal("17.93")),  # 5 × 9/31 × 12.35 = 17.927…
    ]
