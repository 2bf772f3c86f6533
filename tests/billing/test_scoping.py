from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from apps.accounts.models import Profile, User
from tenants.billing import selectors
from tenants.billing.models import Invoice
from tenants.billing.permissions import billing_scope_for
from tenants.billing.services import invoice_create
from tenants.models import Commune
from tests.billing.conftest import SEPTEMBER, line

pytestmark = pytest.mark.django_db

BILLING = Path(selectors.__file__).parent


def _two_invoices(bordeaux: Commune, pessac: Commune) -> tuple[Invoice, Invoice]:
    return (
        invoice_create(commune=bordeaux, lines=[line()], **SEPTEMBER),
        invoice_create(commune=pessac, lines=[line()], **SEPTEMBER),
    )


def test_a_coordinator_sees_every_communes_invoices(
    bordeaux: Commune, pessac: Commune, coordinator: User
) -> None:
    ours, theirs = _two_invoices(bordeaux, pessac)

    scope = billing_scope_for(user=coordinator)

    assert list(selectors.invoice_list(scope=scope)) == [ours, theirs]


def test_a_commune_admin_sees_only_their_communes_invoices(
    bordeaux: Commune, pessac: Commune
) -> None:
    ours, theirs = _two_invoices(bordeaux, pessac)
    admin = User(username="admin-b", profile=Profile.COMMUNE_ADMIN)

    scope = billing_scope_for(user=admin, commune=bordeaux)

    assert list(selectors.invoice_list(scope=scope)) == [ours]
    assert selectors.invoice_get(scope=scope, number=ours.number) == ours
    with pytest.raises(Invoice.DoesNotExist):
        selectors.invoice_get(scope=scope, number=theirs.number)
    assert not selectors.contract_list(scope=scope).exists()


@pytest.mark.parametrize("profile", [Profile.TEACHER, Profile.DIRECTOR, Profile.PARENT])
def test_other_profiles_get_no_billing_scope(bordeaux: Commune, profile: str) -> None:
    with pytest.raises(PermissionDenied):
        billing_scope_for(user=User(username="someone", profile=profile), commune=bordeaux)


def test_anonymous_users_and_commune_admins_without_a_commune_get_no_scope() -> None:
    with pytest.raises(PermissionDenied):
        billing_scope_for(user=AnonymousUser())
    with pytest.raises(PermissionDenied):
        billing_scope_for(user=User(username="admin", profile=Profile.COMMUNE_ADMIN))


@pytest.mark.parametrize(
    "selector",
    [
        selectors.invoice_list,
        selectors.invoice_get,
        selectors.purchase_order_list,
        selectors.contract_list,
        selectors.billing_profile_for,
    ],
)
def test_selectors_refuse_to_run_without_a_scope(selector: object) -> None:
    with pytest.raises(TypeError):
        selector()  # type: ignore[operator]
    with pytest.raises(TypeError):
        selector(scope=None)  # type: ignore[operator]


def test_every_public_selector_but_the_dangerous_one_takes_a_scope() -> None:
    for name, function in inspect.getmembers(selectors, inspect.isfunction):
        if function.__module__ != selectors.__name__ or name.startswith("_"):
            continue
        if name.startswith("dangerously_"):
            continue
        assert "scope" in inspect.signature(function).parameters, name


def test_no_view_or_api_uses_an_unscoped_selector() -> None:
    for module in ["views.py", "apis.py", "urls.py"]:
        path = BILLING / module
        if path.exists():
            assert "dangerously_" not in path.read_text(), module
