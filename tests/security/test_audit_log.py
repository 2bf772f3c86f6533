"""The commune's audit log: what is recorded, and the administrators' page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import Profile
from apps.audit.models import AuditEvent
from apps.audit.selectors import EVENTS_PER_PAGE
from tests.helpers import assert_num_queries
from tests.security.helpers import enrol, log_in, log_in_verified, make_user

JOURNAL = "/administration/journal/"


def _events(schema: str, count: int, action: str = "login.failure") -> None:
    now = timezone.now()
    with schema_context(schema):
        AuditEvent.objects.bulk_create(
            AuditEvent(
                at=now - timedelta(minutes=i + 1),
                action=action,
                target=f"eleve.{i}",
                ip_address="10.33.0.1",
            )
            for i in range(count)
        )


@pytest.fixture
def admin_client(tenant_client):
    admin = make_user("bordeaux", "admin.bordeaux", Profile.COMMUNE_ADMIN)
    device = enrol("bordeaux", admin)
    client = tenant_client("bordeaux")
    log_in_verified(client, "bordeaux", admin, device)
    return client


def test_logins_and_failures_are_recorded_with_address(tenant_client):
    make_user("bordeaux", "m.durand")
    client = tenant_client("bordeaux", REMOTE_ADDR="10.33.0.9")

    log_in(client, "m.durand", "pas-le-bon")
    log_in(client, "m.durand")
    client.post("/deconnexion/")

    with schema_context("bordeaux"):
        events = list(AuditEvent.objects.order_by("at", "pk"))
    assert [e.action for e in events] == ["login.failure", "login.success", "logout"]
    assert all(e.ip_address == "10.33.0.9" and e.target == "m.durand" for e in events)
    assert events[0].actor is None and events[0].details == {"stage": "password"}
    assert events[1].actor_name == "M Test"
    assert "pas-le-bon" not in str([e.details for e in events])


def test_coordinator_logins_are_recorded_in_the_public_schema(tenant_client):
    make_user("public", "coordination", Profile.COORDINATOR)

    log_in(tenant_client(), "coordination")

    with schema_context("public"):
        assert AuditEvent.objects.filter(action="login.success", target="coordination").exists()
    with schema_context("bordeaux"):
        assert not AuditEvent.objects.exists()


def test_the_administrator_reads_the_journal_newest_first(admin_client):
    _events("bordeaux", 3)

    page = admin_client.get(JOURNAL).content.decode()

    assert "Journal d&#x27;audit" in page or "Journal d'audit" in page
    assert page.index("eleve.0") < page.index("eleve.2")
    assert "Échec de connexion" in page
    assert "Double authentification validée" in page


def test_the_journal_filters_by_action(admin_client):
    _events("bordeaux", 2, "login.failure")
    _events("bordeaux", 1, "account.blocked")

    page = admin_client.get(JOURNAL, {"action": "account.blocked"}).content.decode()

    assert page.count("<td>Compte bloqué</td>") == 1
    assert "Échec de connexion</td>" not in page
    assert '<option value="account.blocked" selected>' in page


def test_an_unknown_action_filter_shows_everything(admin_client):
    _events("bordeaux", 2)

    page = admin_client.get(JOURNAL, {"action": "<script>"}).content.decode()

    assert page.count("<td>Échec de connexion</td>") == 2
    assert "<script>" not in page


def test_the_journal_is_paginated(admin_client):
    _events("bordeaux", EVENTS_PER_PAGE + 5)

    first = admin_client.get(JOURNAL).content.decode()
    second = admin_client.get(JOURNAL, {"page": 2}).content.decode()

    assert first.count("<tr>") - 1 == EVENTS_PER_PAGE  # header row
    assert 'rel="next"' in first
    assert "Page 2 sur 2" in second


def test_the_journal_costs_the_same_with_3_or_200_events(admin_client):
    _events("bordeaux", 3)
    admin_client.get(JOURNAL)  # the first request after login may refresh the session

    # Seven with the header's two badges, unread notifications and unread messages (one query
    # each on every commune page).
    with assert_num_queries(7):
        small = admin_client.get(JOURNAL)
    _events("bordeaux", 200)
    with assert_num_queries(7):
        large = admin_client.get(JOURNAL, {"page": 2})

    assert small.status_code == large.status_code == 200


@pytest.mark.parametrize(
    "profile", [Profile.TEACHER, Profile.DIRECTOR, Profile.PARENT, Profile.PUPIL]
)
def test_the_journal_is_404_for_everyone_else(tenant_client, profile):
    make_user("bordeaux", "quelquun", profile)
    client = tenant_client("bordeaux")
    log_in(client, "quelquun", "chat42" if profile == Profile.PUPIL else "un-mot-de-passe-solide")

    assert client.get(JOURNAL).status_code == 404


def test_the_journal_is_404_when_anonymous_and_absent_on_the_base_domain(tenant_client):
    assert tenant_client("bordeaux").get(JOURNAL).status_code == 404
    assert tenant_client().get(JOURNAL).status_code == 404


def test_another_commune_s_events_are_not_shown(admin_client):
    with schema_context("pessac"):
        AuditEvent.objects.create(action="account.blocked", target="pessac.secret")

    assert "pessac.secret" not in admin_client.get(JOURNAL).content.decode()


def test_the_journal_reads_the_details_in_french(admin_client, tenant_client):
    make_user("bordeaux", "m.durand")
    log_in(tenant_client("bordeaux"), "m.durand", "pas-le-bon")

    page = admin_client.get(JOURNAL, {"action": "login.failure"}).content.decode()

    assert "<td>étape : mot de passe</td>" in page
