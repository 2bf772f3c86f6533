from __future__ import annotations

import datetime

import pytest

from tenants.billing.models import Contract, ContractStatus
from tenants.billing.services import BillingError, contract_end_notice

pytestmark = pytest.mark.django_db


def _contract() -> Contract:
    return Contract.objects.create(
        holder="Éditeur SAS", reference="2026-ENT-01", notified_on=datetime.date(2026, 3, 15)
    )


def test_a_new_contract_runs_36_months_with_4_months_notice() -> None:
    contract = _contract()

    assert (contract.duration_months, contract.notice_months) == (36, 4)
    assert contract.natural_end_date == datetime.date(2029, 3, 15)
    assert contract.status == ContractStatus.ACTIVE


def test_notice_ends_the_contract_four_months_after_the_letter() -> None:
    contract = _contract()

    contract_end_notice(contract=contract, letter_date=datetime.date(2027, 10, 31))

    contract.refresh_from_db()
    assert contract.notice_letter_date == datetime.date(2027, 10, 31)
    assert contract.effective_end_date == datetime.date(2028, 2, 29)  # clamped to month end
    assert contract.status == ContractStatus.NOTICE_GIVEN


def test_notice_never_ends_the_contract_after_its_natural_end() -> None:
    contract = _contract()

    contract_end_notice(contract=contract, letter_date=datetime.date(2029, 1, 10))

    assert contract.effective_end_date == datetime.date(2029, 3, 15)


def test_a_letter_before_notification_is_refused() -> None:
    contract = _contract()

    with pytest.raises(BillingError):
        contract_end_notice(contract=contract, letter_date=datetime.date(2026, 1, 1))

    contract.refresh_from_db()
    assert contract.notice_letter_date is None


def test_timeline_lists_the_milestones_in_date_order() -> None:
    contract = _contract()
    contract_end_notice(contract=contract, letter_date=datetime.date(2027, 6, 1))

    assert [(m.key, m.date) for m in contract.timeline()] == [
        ("notification", datetime.date(2026, 3, 15)),
        ("notice", datetime.date(2027, 6, 1)),
        ("effective_end", datetime.date(2027, 10, 1)),
        ("natural_end", datetime.date(2029, 3, 15)),
    ]
