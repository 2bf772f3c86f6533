"""set_commune_status: the transitions, what a suspension does, one clear line on bad input."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from apps.audit.actions import action_label
from apps.audit.models import AuditEvent
from apps.schools.models import Classroom, DeploymentStatus, School, SchoolKind, SchoolYear
from apps.schools.validators import uai_check_letter
from provisioning import status
from provisioning.services import ProvisioningError
from provisioning.status import commune_status_change
from tenants.db import use_public_schema
from tenants.models import Commune, CommuneStatus
from tenants.routing import HostCache, current_version
from tenants.usage.models import ClassCountSnapshot
from tests.helpers import database_state, run_manage

ROOT = Path(__file__).resolve().parents[1]
NOV_10 = datetime.date(2026, 11, 10)
NOV_16 = datetime.date(2026, 11, 16)


@pytest.fixture
def on_nov_16(monkeypatch: pytest.MonkeyPatch) -> datetime.date:
    monkeypatch.setattr(status, "_today", lambda: NOV_16)
    return NOV_16


def _set(slug: str, value: str) -> None:
    """Put a commune in a status without the service (no journal, no snapshot)."""
    use_public_schema()
    Commune.objects.filter(slug=slug).update(status=value)


def _status(slug: str) -> str:
    use_public_schema()
    return Commune.objects.get(slug=slug).status


def _events() -> list[AuditEvent]:
    use_public_schema()
    return list(AuditEvent.objects.filter(action="commune.status_changed").order_by("pk"))


# --- transitions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "to"),
    [
        ("pilot", "deploying"),
        ("pilot", "active"),
        ("deploying", "active"),
        ("pilot", "suspended"),
        ("deploying", "suspended"),
        ("active", "suspended"),
        ("suspended", "pilot"),  # suspended by hand: the journal does not say from what
        ("suspended", "active"),
        ("active", "archived"),
        ("suspended", "archived"),
    ],
)
def test_allowed_transitions_change_the_status(db, on_nov_16, start, to):
    _set("bassens", start)

    change = commune_status_change(commune="bassens", to=to, reason="Décision du comité")

    assert (change.previous, change.status) == (start, to)
    assert _status("bassens") == to
    (event,) = _events()
    assert event.target == "bassens"
    assert event.details["from"] == start
    assert event.details["to"] == to
    assert event.details["reason"] == "Décision du comité"


@pytest.mark.parametrize(
    ("start", "to", "message"),
    [
        ("active", "pilot", "ne peut pas passer de « Active » à « Pilote »"),
        ("active", "deploying", "ne peut pas passer de « Active » à « En déploiement »"),
        ("deploying", "pilot", "ne peut pas passer de « En déploiement » à « Pilote »"),
        ("archived", "active", "une commune archivée ne change plus de statut"),
        ("archived", "suspended", "une commune archivée ne change plus de statut"),
        ("active", "active", "Bassens est déjà « Active » : rien n'a changé"),
        ("active", "fermée", "Statut inconnu : « fermée »"),
    ],
)
def test_refused_transitions_are_one_clear_error_and_change_nothing(db, start, to, message):
    _set("bassens", start)
    before = database_state()

    with pytest.raises(ProvisioningError) as error:
        commune_status_change(commune="bassens", to=to, reason="Essai")

    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert database_state() == before
    assert _status("bassens") == start


@pytest.mark.parametrize(
    ("commune", "reason", "message"),
    [
        ("nulle-part", "Essai", "Commune inconnue : « nulle-part »"),
        ("bassens", "   ", "Le motif du changement de statut est vide"),
        ("bassens", "", "Le motif du changement de statut est vide"),
    ],
)
def test_unknown_commune_or_empty_reason_changes_nothing(db, commune, reason, message):
    before = database_state()

    with pytest.raises(ProvisioningError, match=message):
        commune_status_change(commune=commune, to="suspended", reason=reason)

    assert database_state() == before


def test_a_suspended_commune_goes_back_to_the_status_it_had(db, on_nov_16):
    """The journal remembers the status before the suspension: a deploying commune comes back
    deploying, not active (that step is a separate, deliberate change)."""
    _set("bassens", "deploying")
    commune_status_change(commune="bassens", to="suspended", reason="Impayés")

    with pytest.raises(ProvisioningError, match=r"statuts possibles « En déploiement »"):
        commune_status_change(commune="bassens", to="active", reason="Réglé")
    assert _status("bassens") == "suspended"

    commune_status_change(commune="bassens", to="deploying", reason="Réglé")
    assert _status("bassens") == "deploying"


def test_dry_run_checks_and_changes_nothing(db):
    before = database_state()

    change = commune_status_change(commune="bassens", to="suspended", reason="Essai", dry_run=True)

    assert change.dry_run and (change.previous, change.status) == ("active", "suspended")
    assert database_state() == before
    with pytest.raises(ProvisioningError, match="ne peut pas passer"):
        commune_status_change(commune="bassens", to="pilot", reason="Essai", dry_run=True)


def test_becoming_active_records_the_activation_once(db, on_nov_16):
    _set("bassens", "pilot")
    Commune.objects.filter(slug="bassens").update(activated_at=None)
    commune = Commune.objects.get(slug="bassens")

    commune_status_change(commune=commune, to="active", reason="Toutes les écoles ouvertes")

    assert commune.status == "active"
    first = Commune.objects.get(slug="bassens").activated_at
    assert first is not None and commune.activated_at == first
    commune_status_change(commune=commune, to="suspended", reason="Impayés")
    commune_status_change(commune=commune, to="active", reason="Réglé")
    assert Commune.objects.get(slug="bassens").activated_at == first


# --- routing ----------------------------------------------------------------------------------


def test_a_suspended_commune_hosts_get_the_suspended_page_in_every_process(
    tenant_client, settings, django_capture_on_commit_callbacks, on_nov_16
):
    client = tenant_client("pessac")
    assert client.get("/").status_code == 200
    # Another process's cache, warmed before the change: only the stamp can tell it.
    other_process = HostCache()

    def seen_by_other_process() -> str | None:
        commune = other_process.resolve("pessac.ent.localhost").commune
        return commune.status if commune is not None else None

    assert seen_by_other_process() == "active"
    before = current_version()

    with django_capture_on_commit_callbacks(execute=True):
        commune_status_change(commune="pessac", to="suspended", reason="Impayés")

    assert current_version() == before + 1
    response = client.get("/")
    assert response.status_code == 503
    assert "Service suspendu" in response.content.decode()
    settings.ENT_ROUTING_STAMP_SECONDS = 0
    assert seen_by_other_process() == "suspended"

    with django_capture_on_commit_callbacks(execute=True):
        commune_status_change(commune="pessac", to="active", reason="Réglé")

    assert client.get("/").status_code == 200


def test_an_archived_commune_is_gone(tenant_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        commune_status_change(commune="bassens", to="archived", reason="Sortie du groupement")

    response = tenant_client("bassens").get("/")

    assert response.status_code == 410
    assert "Service suspendu" in response.content.decode()


# --- snapshots --------------------------------------------------------------------------------


def _snapshot(slug: str, day: datetime.date, primary: int, deployed: int) -> ClassCountSnapshot:
    use_public_schema()
    return ClassCountSnapshot.objects.create(
        commune=Commune.objects.get(slug=slug),
        date=day,
        primary_classes=primary,
        deployed_classes=deployed,
        deployed_schools=2,
    )


def test_suspension_records_the_days_snapshot_with_nothing_deployed(db, on_nov_16):
    _snapshot("pessac", NOV_10, primary=20, deployed=12)

    with CaptureQueriesContext(connection) as queries:
        change = commune_status_change(commune="pessac", to="suspended", reason="Impayés")

    stopped = ClassCountSnapshot.objects.get(commune__slug="pessac", date=NOV_16)
    assert (stopped.primary_classes, stopped.deployed_classes, stopped.deployed_schools) == (
        20,
        0,
        0,
    )
    assert change.snapshot == stopped
    # The commune's schema is not read: its last snapshot gives the primary classes.
    assert not any("schools_" in query["sql"] for query in queries.captured_queries)
    (event,) = _events()
    assert event.details["snapshot"] == {
        "date": "2026-11-16",
        "deployed_classes": 0,
        "deployed_schools": 0,
    }


def test_a_snapshot_already_taken_that_day_is_set_to_nothing_deployed(db, on_nov_16):
    _snapshot("pessac", NOV_16, primary=20, deployed=12)

    commune_status_change(commune="pessac", to="archived", reason="Sortie du groupement")

    (stopped,) = ClassCountSnapshot.objects.filter(commune__slug="pessac")
    assert (stopped.primary_classes, stopped.deployed_classes, stopped.deployed_schools) == (
        20,
        0,
        0,
    )


def test_suspended_to_archived_and_deployment_steps_record_no_snapshot(db, on_nov_16):
    _set("bassens", "pilot")
    commune_status_change(commune="bassens", to="deploying", reason="Écoles pilotes validées")
    assert not ClassCountSnapshot.objects.exists()

    commune_status_change(commune="bassens", to="suspended", reason="Impayés")
    commune_status_change(commune="bassens", to="archived", reason="Sortie du groupement")

    assert ClassCountSnapshot.objects.filter(commune__slug="bassens").count() == 1


def test_a_commune_served_again_is_counted_right_away(db, on_nov_16):
    _snapshot("bassens", NOV_10, primary=9, deployed=9)
    commune_status_change(commune="bassens", to="suspended", reason="Impayés")
    with schema_context("bassens"):
        year = SchoolYear.objects.create(
            label="2026-2027",
            starts_on=datetime.date(2026, 9, 1),
            ends_on=datetime.date(2027, 7, 4),
            is_current=True,
        )
        school = School.objects.create(
            uai="0339021" + uai_check_letter("0339021"),
            name="École du Port",
            kind=SchoolKind.ELEMENTAIRE,
            deployment_status=DeploymentStatus.ACTIVE,
        )
        for name in ("CP", "CE1", "CE2"):
            Classroom.objects.create(school=school, year=year, name=name, levels=["CP"])
    use_public_schema()

    change = commune_status_change(commune="bassens", to="active", reason="Réglé")

    counted = ClassCountSnapshot.objects.get(commune__slug="bassens", date=NOV_16)
    assert (counted.primary_classes, counted.deployed_classes, counted.deployed_schools) == (
        3,
        3,
        1,
    )
    assert change.snapshot == counted


# --- audit ------------------------------------------------------------------------------------


def test_the_change_is_in_the_groupements_journal_with_its_actor(db, on_nov_16):
    use_public_schema()
    coordinator = User.objects.create_user(
        username="coord",
        first_name="Claire",
        last_name="Coordinatrice",
        profile=Profile.COORDINATOR,
    )

    commune_status_change(
        commune="pessac", to="suspended", reason="  Impayés   depuis mars ", actor=coordinator
    )

    (event,) = _events()
    assert event.actor == coordinator
    assert event.actor_name == coordinator.display_name
    assert event.details["reason"] == "Impayés depuis mars"
    assert action_label(event.action) == "Statut d'une commune changé (exploitation)"


# --- the command ------------------------------------------------------------------------------


def test_the_command_prints_one_line(db, capsys, on_nov_16):
    call_command("set_commune_status", "pessac", "suspended", reason="Impayés")

    out = capsys.readouterr().out.strip().splitlines()
    assert out == [
        "Pessac : « Active » → « Suspendue » (service suspendu, hébergement plus compté à "
        "partir du 16/11/2026)."
    ]


def test_the_command_dry_run_changes_nothing(db, capsys):
    before = database_state()

    call_command("set_commune_status", "pessac", "archived", reason="Essai", dry_run=True)

    assert capsys.readouterr().out.strip() == (
        "[simulation] Pessac : « Active » → « Archivée » serait appliqué ; rien n'a changé."
    )
    assert database_state() == before


def test_the_command_refuses_bad_input(db):
    before = database_state()

    with pytest.raises(CommandError, match="Le motif du changement de statut est vide"):
        call_command("set_commune_status", "pessac", "suspended")

    assert database_state() == before


@pytest.mark.django_db(transaction=True)
def test_the_command_suspends_as_a_real_process_and_every_process_sees_it(tenant_client, settings):
    client = tenant_client("bassens")
    assert client.get("/").status_code == 200  # this process's cache knows Bassens as active

    finished = run_manage("set_commune_status", "bassens", "suspended", "--reason", "Impayés")

    assert finished.returncode == 0, finished.stderr
    today = timezone.localdate()
    assert finished.stdout.splitlines() == [
        "Bassens : « Active » → « Suspendue » (service suspendu, hébergement plus compté à "
        f"partir du {today:%d/%m/%Y})."
    ]
    assert _status("bassens") == "suspended"
    stopped = ClassCountSnapshot.objects.get(commune__slug="bassens", date=today)
    assert (stopped.deployed_classes, stopped.deployed_schools) == (0, 0)
    assert [(e.target, e.details["to"]) for e in _events()] == [("bassens", "suspended")]
    settings.ENT_ROUTING_STAMP_SECONDS = 0  # the next request re-reads the stamp
    assert client.get("/").status_code == 503


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("nulle-part", "suspended", "--reason", "x"), "Commune inconnue : « nulle-part »."),
        (("pessac", "active", "--reason", "x"), "Pessac est déjà « Active » : rien n'a changé."),
        (("pessac", "pilot", "--reason", "x"), "Pessac ne peut pas passer de « Active » à"),
        (("pessac", "suspended"), "Le motif du changement de statut est vide."),
        (("pessac", "fermee", "--reason", "x"), "Statut inconnu : « fermee »"),
    ],
)
def test_bad_input_exits_non_zero_with_one_line(db, arguments, message):
    finished = run_manage("set_commune_status", *arguments)

    assert finished.returncode != 0
    lines = [line for line in finished.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, finished.stderr
    assert message in lines[0]
    assert finished.stdout == ""
    assert _status("pessac") == CommuneStatus.ACTIVE
