from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from tenants.billing import permissions, selectors
from tenants.billing.models import Invoice
from tenants.billing.permissions import commune_scope, groupement_scope, host_scope
from tenants.billing.services import invoice_create
from tenants.models import Commune
from tests.billing.conftest import SEPTEMBER, line, scope_request

pytestmark = pytest.mark.django_db

BILLING = Path(selectors.__file__).parent


def _two_invoices(bordeaux_commune: Commune, pessac_commune: Commune) -> tuple[Invoice, Invoice]:
    return (
        invoice_create(commune=bordeaux_commune, lines=[line()], **SEPTEMBER),
        invoice_create(commune=pessac_commune, lines=[line()], **SEPTEMBER),
    )


def test_a_coordinator_sees_every_communes_invoices(
    bordeaux_commune: Commune, pessac_commune: Commune, coordinator: User
) -> None:
    ours, theirs = _two_invoices(bordeaux_commune, pessac_commune)

    scope = groupement_scope(scope_request(coordinator))

    assert list(selectors.invoice_list(scope=scope)) == [ours, theirs]


def test_a_commune_admin_sees_only_their_communes_invoices(
    bordeaux_commune: Commune, pessac_commune: Commune
) -> None:
    ours, theirs = _two_invoices(bordeaux_commune, pessac_commune)
    admin = User(username="admin-b", profile=Profile.COMMUNE_ADMIN)

    scope = commune_scope(scope_request(admin, bordeaux_commune))

    assert list(selectors.invoice_list(scope=scope)) == [ours]
    assert selectors.invoice_get(scope=scope, number=ours.number) == ours
    with pytest.raises(Invoice.DoesNotExist):
        selectors.invoice_get(scope=scope, number=theirs.number)
    assert not selectors.contract_list(scope=scope).exists()


def test_on_a_commune_host_the_coordinator_profile_reads_no_billing(
    bordeaux_commune: Commune, pessac_commune: Commune
) -> None:
    _two_invoices(bordeaux_commune, pessac_commune)
    # A commune account with the coordinator profile: the profile is the public schema's, so
    # in a commune it is nobody's: neither that commune's billing nor the groupement's.
    account = User(username="coord-b", profile=Profile.COORDINATOR)
    request = scope_request(account, bordeaux_commune)

    with pytest.raises(PermissionDenied):
        commune_scope(request)
    with pytest.raises(PermissionDenied):
        host_scope(request)
    with pytest.raises(Http404):
        groupement_scope(request)


def test_the_host_picks_the_scope(bordeaux_commune: Commune, coordinator: User) -> None:
    admin = User(username="admin-b", profile=Profile.COMMUNE_ADMIN)

    assert host_scope(scope_request(coordinator)).is_groupement_wide
    assert host_scope(scope_request(admin, bordeaux_commune)).commune_ids == frozenset(
        {bordeaux_commune.pk}
    )
    with pytest.raises(Http404):  # no commune page on the base domain
        commune_scope(scope_request(admin))
    with pytest.raises(Http404):  # a commune admin is no coordinator: no groupement page
        host_scope(scope_request(admin))


@pytest.mark.parametrize("profile", [Profile.TEACHER, Profile.DIRECTOR, Profile.PARENT])
def test_other_profiles_get_no_billing_scope(bordeaux_commune: Commune, profile: str) -> None:
    someone = User(username="someone", profile=profile)
    with pytest.raises(PermissionDenied):
        commune_scope(scope_request(someone, bordeaux_commune))
    with pytest.raises(Http404):  # the groupement's pages exist for its coordinators only
        groupement_scope(scope_request(someone))


def test_anonymous_users_and_unverified_sessions_get_no_scope(
    bordeaux_commune: Commune, coordinator: User
) -> None:
    admin = User(username="admin", profile=Profile.COMMUNE_ADMIN)
    with pytest.raises(Http404):
        groupement_scope(scope_request(AnonymousUser()))
    with pytest.raises(PermissionDenied):
        commune_scope(scope_request(AnonymousUser(), bordeaux_commune))
    with pytest.raises(PermissionDenied):
        groupement_scope(scope_request(coordinator, verified=False))
    with pytest.raises(PermissionDenied):
        commune_scope(scope_request(admin, bordeaux_commune, verified=False))


def _coordinator_profile_on(slug: str) -> User:
    with schema_context(slug):
        return User.objects.create_user(username=f"coord.{slug}", profile=Profile.COORDINATOR)


def test_a_coordinator_profile_in_a_communes_schema_reads_none_of_its_billing(
    verified_login: Callable[..., Client], bordeaux_commune: Commune, pessac_commune: Commune
) -> None:
    ours, theirs = _two_invoices(bordeaux_commune, pessac_commune)
    client = verified_login(_coordinator_profile_on("bordeaux"), "bordeaux")

    other_pdf = client.get(f"/facturation/factures/{theirs.number}.pdf")
    own_pdf = client.get(f"/facturation/factures/{ours.number}.pdf")
    exported = client.get("/facturation/factures.csv")
    listed = client.get("/facturation/factures/")

    assert (other_pdf.status_code, own_pdf.status_code, exported.status_code) == (403, 403, 403)
    assert listed.status_code in (403, 404)
    for response in (other_pdf, own_pdf, exported, listed):
        assert ours.number.encode() not in response.content
        assert theirs.number.encode() not in response.content


def test_the_billing_views_build_their_scope_from_the_host_only() -> None:
    views = (BILLING / "views.py").read_text() + (BILLING / "usage_views.py").read_text()
    # The constructor that chose by profile is gone, and no view builds a scope of its own.
    assert not hasattr(permissions, "billing_scope_for")
    assert "def _scope(" not in views
    assert "BillingScope(" not in views


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
