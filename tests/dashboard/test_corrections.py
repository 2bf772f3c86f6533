"""Correcting a commune's class-count snapshot from the dashboard's drill-down: coordinator
only, a reason always, the trail shown, and nothing changed when the input is refused."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from html import unescape
from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import Profile, User
from apps.audit.models import AuditEvent
from tenants.db import use_public_schema
from tenants.models import Commune, CommuneStatus
from tenants.usage.models import ClassCountCorrection, ClassCountSnapshot
from tests.conftest import SESSION_BACKEND
from tests.helpers import database_state

pytestmark = pytest.mark.django_db

OCTOBER_1 = datetime.date(2026, 10, 1)
PATH = "/coordination/communes/bordeaux/corrections/"


@pytest.fixture
def snapshot(db: None) -> ClassCountSnapshot:
    use_public_schema()
    return ClassCountSnapshot.objects.create(
        commune=Commune.objects.get(slug="bordeaux"),
        date=OCTOBER_1,
        primary_classes=12,
        deployed_classes=4,
        deployed_schools=2,
    )


def _text(response: Any) -> str:
    return unescape(response.content.decode())


def test_the_coordinator_corrects_a_figure_and_sees_the_trail(
    base_login: Callable[[User], Client], coordinator: User, snapshot: ClassCountSnapshot
) -> None:
    client = base_login(coordinator)

    response = client.post(
        PATH,
        {
            "date": "2026-10-01",
            "field": "deployed_classes",
            "new_value": "5",
            "reason": "Classe de CM2 ouverte le 30/09, absente de l'import",
        },
    )
    page = _text(client.get("/coordination/communes/bordeaux/"))

    assert response.status_code == 302
    assert response["Location"] == "/coordination/communes/bordeaux/#corrections-title"
    snapshot.refresh_from_db()
    assert snapshot.deployed_classes == 5
    correction = ClassCountCorrection.objects.get()
    assert (correction.field, correction.old_value, correction.new_value) == (
        "deployed_classes",
        4,
        5,
    )
    assert correction.corrected_by_id == coordinator.pk
    assert correction.corrected_by_name == "Claire Coordinatrice"
    assert "Relevé du 1er octobre 2026 corrigé : classes déployées 4 → 5." in page
    assert "<td>Claire Coordinatrice</td>" in page
    assert (
        "<td>1er octobre 2026</td>\n        <td>Classes déployées</td>\n        <td>4 → 5</td>"
        in page
    )
    assert "Classe de CM2 ouverte le 30/09, absente de l'import" in page
    [event] = AuditEvent.objects.filter(action="usage.class_count_corrected")
    assert event.actor_id == coordinator.pk
    assert event.target == "bordeaux 2026-10-01"
    assert event.details["old_value"] == 4 and event.details["new_value"] == 5


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"new_value": "5", "reason": "  "}, "Indiquez le motif de la correction."),
        ({"new_value": "-1", "reason": "Erreur"}, "n'est jamais négatif"),
        ({"new_value": "4", "reason": "Erreur"}, "Cette valeur est déjà celle du relevé"),
        ({"new_value": "5", "reason": "Erreur", "date": "2026-10-02"}, "Aucun relevé des classes"),
        ({"new_value": "5", "reason": "Erreur", "field": "pupils"}, "Sélectionnez un choix valide"),
    ],
)
def test_a_refused_correction_shows_one_error_and_changes_nothing(
    base_login: Callable[[User], Client],
    coordinator: User,
    snapshot: ClassCountSnapshot,
    data: dict[str, str],
    message: str,
) -> None:
    client = base_login(coordinator)
    before = database_state()

    response = client.post(PATH, {"date": "2026-10-01", "field": "deployed_classes", **data})

    assert response.status_code == 400
    assert message in _text(response)
    assert database_state() == before
    snapshot.refresh_from_db()
    assert snapshot.deployed_classes == 4


def test_only_a_verified_coordinator_may_correct(
    base_login: Callable[[User], Client],
    tenant_client: Callable[..., Client],
    coordinator: User,
    snapshot: ClassCountSnapshot,
) -> None:
    use_public_schema()
    staff = User.objects.create_user(username="staff", profile=Profile.STAFF)
    unverified = tenant_client()
    unverified.force_login(coordinator, backend=SESSION_BACKEND)
    data = {"date": "2026-10-01", "field": "primary_classes", "new_value": "20", "reason": "x"}

    assert base_login(staff).post(PATH, data).status_code == 404
    refused = unverified.post(PATH, data)
    assert refused.status_code == 302
    assert "/coordination/" not in refused["Location"]
    assert tenant_client("bordeaux").post(PATH, data).status_code == 404
    snapshot.refresh_from_db()
    assert snapshot.primary_classes == 12
    assert not ClassCountCorrection.objects.exists()


def test_a_post_without_its_csrf_token_is_refused(
    base_login: Callable[[User], Client], coordinator: User, snapshot: ClassCountSnapshot
) -> None:
    client = base_login(coordinator)
    client.handler.enforce_csrf_checks = True

    response = client.post(
        PATH, {"date": "2026-10-01", "field": "primary_classes", "new_value": "20", "reason": "x"}
    )

    assert response.status_code == 403
    snapshot.refresh_from_db()
    assert snapshot.primary_classes == 12


def test_a_commune_out_of_the_scope_cannot_be_corrected(
    base_login: Callable[[User], Client], coordinator: User, snapshot: ClassCountSnapshot
) -> None:
    Commune.objects.filter(slug="bordeaux").update(status=CommuneStatus.SUSPENDED)

    response = base_login(coordinator).post(
        PATH, {"date": "2026-10-01", "field": "primary_classes", "new_value": "20", "reason": "x"}
    )

    assert response.status_code == 404
    snapshot.refresh_from_db()
    assert snapshot.primary_classes == 12


def test_the_drill_down_lists_the_latest_snapshots_and_links_the_billing_pages(
    base_login: Callable[[User], Client], coordinator: User, snapshot: ClassCountSnapshot
) -> None:
    html = _text(base_login(coordinator).get("/coordination/communes/bordeaux/"))

    assert (
        '<time datetime="2026-10-01">1er octobre 2026</time></th>'
        "<td>12</td><td>4</td><td>2</td>" in html
    )
    assert 'value="2026-10-01"' in html  # the latest snapshot is the form's default
    assert '<label for="id_reason">Motif de la correction' in html
    for path in [
        "/facturation/marche/",
        "/facturation/bons-de-commande/",
        "/facturation/factures/",
    ]:
        assert f'href="{path}"' in html, path
    assert "Aucune correction." in html
