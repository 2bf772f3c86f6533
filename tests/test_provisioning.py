"""provision_commune: fast, all-or-nothing, idempotent, one clear line on bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context, schema_exists

from apps.accounts.models import Profile, User
from provisioning import services
from provisioning.models import TemplateSnapshot
from provisioning.services import ProvisioningError, provision_commune
from provisioning.template import (
    current_snapshot,
    disk_migrations,
    recorded_migrations,
    template_schema,
)
from tenants.models import Commune, Domain
from tests.helpers import database_state, run_manage

ROOT = Path(__file__).resolve().parents[1]


def test_provisioning_creates_the_commune_its_domain_and_its_schema(tenant_client):
    result = provision_commune(name="Bruges", insee="33075", slug="bruges")

    assert result.created
    commune = Commune.objects.get(slug="bruges")
    assert commune.schema_name == "bruges"
    assert commune.insee_code == "33075"
    assert Domain.objects.get(tenant=commune).domain == "bruges.ent.localhost"
    assert schema_exists("bruges")
    page = tenant_client("bruges").get("/")
    assert page.status_code == 200
    assert "Bruges" in page.content.decode()


def test_hyphenated_slug_gets_an_underscored_schema(db):
    provision_commune(name="Le Bouscat", insee="33069", slug="le-bouscat")

    assert Commune.objects.get(slug="le-bouscat").schema_name == "le_bouscat"
    assert schema_exists("le_bouscat")


def test_admin_email_creates_a_commune_administrator_with_a_one_time_link(tenant_client, capsys):
    call_command(
        "provision_commune",
        name="Mérignac",
        insee="33281",
        slug="merignac",
        admin_email="dsi@merignac.example.fr",
    )

    out = capsys.readouterr().out
    link = next(word for word in out.split() if "/activation/" in word)
    with schema_context("merignac"):
        admin = User.objects.get(username="dsi@merignac.example.fr")
        assert admin.profile == Profile.COMMUNE_ADMIN
        assert not admin.has_usable_password()
    path = link.split("merignac.ent.localhost", 1)[1]
    path = path[path.index("/") :]
    client = tenant_client("merignac")
    assert client.get(path).status_code == 200
    new_password = "une-phrase-de-passe-longue"
    response = client.post(path, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    # One-time: the link no longer works once used.
    assert client.get(path).status_code == 404
    with schema_context("merignac"):
        assert User.objects.get(username="dsi@merignac.example.fr").check_password(new_password)


def test_same_command_twice_reports_the_commune_exists_and_changes_nothing(db, capsys):
    arguments = {"name": "Blanquefort", "insee": "33056", "slug": "blanquefort"}
    call_command("provision_commune", **arguments)
    capsys.readouterr()
    before = database_state()

    call_command("provision_commune", **arguments)

    assert "existe déjà" in capsys.readouterr().out
    assert database_state() == before


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"name": "X", "insee": "3306", "slug": "x-ville"}, "Code INSEE invalide"),
        ({"name": "X", "insee": "ABCDE", "slug": "x-ville"}, "Code INSEE invalide"),
        ({"name": "X", "insee": "2C123", "slug": "x-ville"}, "Code INSEE invalide"),
        ({"name": "X", "insee": "33063", "slug": "x-ville"}, "33063 est déjà celui de Bordeaux"),
        ({"name": "X", "insee": "33999", "slug": "bordeaux"}, "« bordeaux » est déjà pris"),
        ({"name": "Bordeaux", "insee": "33999", "slug": "bordeaux"}, "déjà pris"),
        ({"name": "X", "insee": "33999", "slug": "www"}, "réservé"),
        ({"name": "X", "insee": "33999", "slug": "admin"}, "réservé"),
        ({"name": "X", "insee": "33999", "slug": "coordination"}, "réservé"),
        ({"name": "X", "insee": "33999", "slug": "ent-template"}, "réservé"),
        ({"name": "X", "insee": "33999", "slug": "pg-ville"}, "réservé"),
        ({"name": "X", "insee": "33999", "slug": "Bordeaux2"}, "Identifiant invalide"),
        ({"name": "X", "insee": "33999", "slug": "9ville"}, "Identifiant invalide"),
        ({"name": "X", "insee": "33999", "slug": "ville_x"}, "Identifiant invalide"),
        ({"name": "X", "insee": "33999", "slug": "ville-"}, "Identifiant invalide"),
        ({"name": "   ", "insee": "33999", "slug": "x-ville"}, "nom de la commune est vide"),
        ({"name": "", "insee": "33999", "slug": "x-ville"}, "nom de la commune est vide"),
    ],
)
def test_bad_input_is_one_clear_error_and_changes_nothing(db, arguments, message):
    before = database_state()

    with pytest.raises(CommandError) as error:
        call_command("provision_commune", **arguments)

    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert database_state() == before


def test_bad_input_exits_non_zero_with_one_line(db):
    """Through a real process: the operator sees exactly one line and a failure code."""
    finished = run_manage(
        "provision_commune", "--name", "Autre", "--insee", "33999", "--slug", "bordeaux"
    )

    assert finished.returncode != 0
    lines = [line for line in finished.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, finished.stderr
    assert "déjà pris par Bordeaux" in lines[0]


def test_dry_run_changes_nothing(db, capsys):
    before = database_state()

    call_command("provision_commune", name="Bruges", insee="33075", slug="bruges", dry_run=True)

    assert "serait créée" in capsys.readouterr().out
    assert database_state() == before


@pytest.mark.django_db(transaction=True)
def test_a_failure_after_the_schema_is_created_leaves_nothing(monkeypatch):
    before = database_state()

    def explode(schema_name: str) -> None:
        assert schema_exists(schema_name)  # the schema really was there
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_after_schema_created", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        provision_commune(
            name="Pessac bis", insee="33998", slug="pessac-bis", admin_email="admin@example.fr"
        )

    assert not schema_exists("pessac_bis")
    assert not Commune.objects.filter(slug="pessac-bis").exists()
    assert not Domain.objects.filter(domain__startswith="pessac-bis.").exists()
    assert database_state() == before


def test_provisioning_refuses_a_template_that_lags_behind_the_migration_files(db):
    snapshot = TemplateSnapshot.objects.get()
    # As if the template were captured before the latest migration file arrived.
    snapshot.migrations = [
        item for item in snapshot.migrations if item != ["tenants", "0001_initial"]
    ]
    snapshot.save()
    before = database_state()

    with pytest.raises(ProvisioningError, match="en retard de 1 migration"):
        provision_commune(name="Bruges", insee="33075", slug="bruges")

    assert database_state() == before


def test_the_template_is_current_and_is_never_a_commune(db):
    snapshot = current_snapshot()

    assert snapshot.schema_name == template_schema()
    assert schema_exists(template_schema())
    assert not Commune.objects.filter(schema_name=template_schema()).exists()


def test_list_communes_prints_the_table(db, capsys):
    call_command("list_communes")

    out = capsys.readouterr().out
    assert "bordeaux.ent.localhost" in out
    assert "33318" in out
    assert "ent_template" not in out


def test_migrate_schemas_keeps_the_template_and_communes_current(db):
    disk = set(disk_migrations())

    assert set(recorded_migrations(template_schema())) == disk
    assert set(recorded_migrations("bordeaux")) == disk
    assert {tuple(item) for item in current_snapshot().migrations} == disk
