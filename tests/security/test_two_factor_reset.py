"""A lost second factor: the commune administrator resets it from the person's account
page; it is written in the journal, and the person enrols again at their next login."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from apps.accounts.security import two_factor
from apps.audit.models import AuditEvent
from tests.security.helpers import (
    ADULT_PASSWORD,
    BACKUP_CODE,
    code_for,
    enrol,
    log_in,
    log_in_verified,
)
from tests.world import log_in as world_log_in

ENROL_PAGE = "/mon-compte/double-authentification/activer/"


@pytest.fixture(autouse=True)
def _no_otp_throttle_delay(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def _page(user) -> str:
    return f"/comptes/{user.pk}/blocage/"


def _reset(user) -> str:
    return f"/comptes/{user.pk}/double-authentification/reinitialiser/"


def _with_password(user):
    with schema_context("bordeaux"):
        user.set_password(ADULT_PASSWORD)
        user.save()
    return user


def _devices(user) -> tuple[int, int]:
    with schema_context("bordeaux"):
        return (
            TOTPDevice.objects.filter(user=user).count(),
            StaticDevice.objects.filter(user=user, confirmed=True).count(),
        )


def test_the_administrator_resets_it_from_the_account_page_and_it_is_journaled(
    tenant_client, bordeaux
):
    teacher = bordeaux["t1"]
    enrol("bordeaux", teacher)
    admin = world_log_in(tenant_client, "bordeaux", bordeaux["adm"])

    page = admin.get(_page(teacher)).content.decode()
    assert "Réinitialiser la double authentification" in page
    assert _reset(teacher) in page

    response = admin.post(_reset(teacher))

    assert response.status_code == 302
    assert response["Location"] == _page(teacher)
    assert _devices(teacher) == (0, 0)
    with schema_context("bordeaux"):
        assert two_factor.reenrolment_owed(teacher)
        event = AuditEvent.objects.get(action="2fa.reset_by_admin")
    assert event.actor_id == bordeaux["adm"].pk
    assert event.target == teacher.username
    after = admin.get(response["Location"]).content.decode()
    assert "est réinitialisée" in after
    assert "enregistrera une nouvelle application" in after
    journal = admin.get("/administration/journal/").content.decode()
    assert "Double authentification réinitialisée par l&#x27;administration" in journal


def test_the_person_must_enrol_again_at_next_login(tenant_client, bordeaux):
    teacher = _with_password(bordeaux["t1"])
    enrol("bordeaux", teacher)
    world_log_in(tenant_client, "bordeaux", bordeaux["adm"]).post(_reset(teacher))
    client = tenant_client("bordeaux")

    response = log_in(client, teacher.username)

    assert response.status_code == 302
    assert response["Location"].startswith(ENROL_PAGE)
    assert client.get("/mon-compte/")["Location"].startswith(ENROL_PAGE)
    # The old backup codes are gone with the devices: no way round the enrolment.
    assert client.get("/connexion/code/")["Location"].startswith(ENROL_PAGE)
    page = client.get(ENROL_PAGE).content.decode()
    assert "L'administration de la commune a réinitialisé" in page
    with schema_context("bordeaux"):
        device = two_factor.pending_totp_device(teacher)

    done = client.post(ENROL_PAGE, {"code": code_for(device)})

    assert done.status_code == 302
    assert client.get("/mon-compte/").status_code == 200
    with schema_context("bordeaux"):
        assert not two_factor.reenrolment_owed(teacher)
    assert _devices(teacher) == (1, 1)
    # From now on, a login asks for a code of the new application, as before the loss.
    other = tenant_client("bordeaux")
    assert log_in(other, teacher.username)["Location"].startswith("/connexion/code/")


def test_an_open_session_of_the_person_is_sent_to_enrolment(tenant_client, bordeaux):
    teacher = _with_password(bordeaux["t1"])
    device = enrol("bordeaux", teacher)
    person = tenant_client("bordeaux")
    log_in_verified(person, "bordeaux", teacher, device)
    assert person.get("/mon-compte/").status_code == 200

    world_log_in(tenant_client, "bordeaux", bordeaux["adm"]).post(_reset(teacher))

    assert person.get("/mon-compte/")["Location"].startswith(ENROL_PAGE)


def test_after_a_reset_the_api_token_stays_refused_until_enrolment(tenant_client, bordeaux):
    teacher = bordeaux["t1"]
    enrol("bordeaux", teacher)
    with schema_context("bordeaux"):
        key = Token.objects.create(user=teacher).key
    world_log_in(tenant_client, "bordeaux", bordeaux["adm"]).post(_reset(teacher))

    response = tenant_client("bordeaux").get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 403
    assert "double authentification" in response.json()["detail"]


def test_the_old_backup_codes_no_longer_work(tenant_client, bordeaux):
    teacher = bordeaux["t1"]
    enrol("bordeaux", teacher)
    world_log_in(tenant_client, "bordeaux", bordeaux["adm"]).post(_reset(teacher))

    with schema_context("bordeaux"):
        assert two_factor.verify_backup_code(teacher, BACKUP_CODE) is None


@pytest.mark.parametrize(
    ("actor", "target"),
    [
        pytest.param("dA", "t1", id="the-director-who-manages-the-teacher"),
        pytest.param("t1", "t2", id="a-colleague"),
        pytest.param("adm", "adm", id="the-administrator-themself"),
    ],
)
def test_only_the_administrator_may_reset_someone_elses(tenant_client, bordeaux, actor, target):
    person = bordeaux[target]
    enrol("bordeaux", person)
    client = world_log_in(tenant_client, "bordeaux", bordeaux[actor])
    if actor == "dA":
        # The director manages the teacher's account (blocking page) but sees no reset.
        page = client.get(_page(person))
        assert page.status_code == 200
        assert "Réinitialiser la double authentification" not in page.content.decode()

    response = client.post(_reset(person))

    assert response.status_code == 404
    with schema_context("bordeaux"):
        assert TOTPDevice.objects.filter(user=person, confirmed=True).exists()
        assert not two_factor.reenrolment_owed(person)
        assert not AuditEvent.objects.filter(action="2fa.reset_by_admin").exists()


def test_another_administrators_second_factor_cannot_be_reset(tenant_client, bordeaux):
    with schema_context("bordeaux"):
        other = type(bordeaux["adm"]).objects.create(
            username="bordeaux.adm2", first_name="Autre", last_name="Admin", profile="commune_admin"
        )
    enrol("bordeaux", other)
    client = world_log_in(tenant_client, "bordeaux", bordeaux["adm"])

    assert client.post(_reset(other)).status_code == 404
    assert _devices(other) == (1, 1)


def test_a_reset_is_a_post(tenant_client, bordeaux):
    teacher = bordeaux["t1"]
    enrol("bordeaux", teacher)
    client = world_log_in(tenant_client, "bordeaux", bordeaux["adm"])

    assert client.get(_reset(teacher)).status_code == 405
    assert _devices(teacher) == (1, 1)


def test_nothing_to_reset_changes_nothing(tenant_client, bordeaux):
    teacher = bordeaux["t1"]
    client = world_log_in(tenant_client, "bordeaux", bordeaux["adm"])
    assert "Non activée" in client.get(_page(teacher)).content.decode()

    response = client.post(_reset(teacher), follow=True)

    assert "n&#x27;a pas de double authentification à réinitialiser" in (response.content.decode())
    with schema_context("bordeaux"):
        assert not two_factor.reenrolment_owed(teacher)
        assert not AuditEvent.objects.filter(action="2fa.reset_by_admin").exists()
    # Still free to log in on the password alone: optional, and never enrolled.
    assert log_in(tenant_client("bordeaux"), _with_password(teacher).username)["Location"] == "/"
