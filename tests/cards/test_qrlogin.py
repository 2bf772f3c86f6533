"""QR login of maternelle pupils: one token, one pupil, revocable at once, throttled."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import RequestFactory
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.qrlogin import services
from apps.qrlogin.models import QrLoginToken
from apps.schools.models import Enrolment, EnrolmentStatus

CONFIRMED = {"confirmer": "oui"}  # the confirmation page's button


@pytest.fixture(autouse=True)
def _no_failures_counted() -> Iterator[None]:
    """The failure counter lives in the cache (Redis in CI), keyed by schema and address."""
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")
    with schema_context("bordeaux"):
        services.qr_login_failures_reset(request)
    yield
    with schema_context("bordeaux"):
        services.qr_login_failures_reset(request)


def issue(world, pupil: User) -> str:
    with schema_context("bordeaux"):
        return services.qr_tokens_issue(
            classroom=world.classes["A1"], pupils=[pupil], actor=world["t1"]
        )[pupil.pk]


def logged_in_user_id(client) -> int | None:
    with schema_context("bordeaux"):
        value = client.session.get(SESSION_KEY)
    return int(value) if value else None


def test_a_token_logs_its_pupil_in_and_is_audited(maternelle_world, tenant_client):
    pupil = maternelle_world.pupils["A1"][0]
    token = issue(maternelle_world, pupil)
    client = tenant_client("bordeaux")

    response = client.get(f"/qr/{token}/")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert logged_in_user_id(client) == pupil.pk
    assert pupil.first_name in client.get("/").content.decode()
    with schema_context("bordeaux"):
        event = AuditEvent.objects.get(action="login.qr")
        used = QrLoginToken.objects.get(pupil=pupil)
    assert event.actor_id == pupil.pk and event.details == {"token": used.pk}
    assert used.last_used_at is not None


def test_only_a_digest_of_the_token_is_stored(maternelle_world):
    pupil = maternelle_world.pupils["A1"][0]

    token = issue(maternelle_world, pupil)

    assert len(token) >= 32  # 192 random bits, URL-safe
    with schema_context("bordeaux"):
        stored = QrLoginToken.objects.get(pupil=pupil)
    assert stored.token_hash == services.token_digest(token) != token


def test_a_token_logs_in_only_its_own_pupil(maternelle_world, tenant_client):
    first, second, _ = maternelle_world.pupils["A1"]
    token = issue(maternelle_world, second)
    client = tenant_client("bordeaux")

    client.get(f"/qr/{token}/")

    assert logged_in_user_id(client) == second.pk != first.pk


def assert_refused(response) -> None:
    assert response.status_code == 404
    body = response.content.decode()
    assert "Ce QR code ne fonctionne pas" in body
    assert '<html lang="fr">' in body


def test_a_revoked_token_is_refused_at_once(maternelle_world, tenant_client, login_as):
    world = maternelle_world
    pupil = world.pupils["A1"][0]
    token = issue(world, pupil)

    revoked = login_as(world["t1"]).post(
        f"/classes/{world.classes['A1'].pk}/comptes/{pupil.pk}/qr/revoquer/", CONFIRMED
    )
    assert revoked.status_code == 302

    client = tenant_client("bordeaux")
    assert_refused(client.get(f"/qr/{token}/"))
    assert logged_in_user_id(client) is None
    with schema_context("bordeaux"):
        assert AuditEvent.objects.filter(action="qrlogin.token_revoked").count() == 1
        assert AuditEvent.objects.filter(action="login.qr_failure").count() == 1


def test_a_new_qr_code_replaces_the_old_one(maternelle_world, tenant_client, login_as):
    world = maternelle_world
    pupil = world.pupils["A1"][0]
    old = issue(world, pupil)

    response = login_as(world["t1"]).post(
        f"/classes/{world.classes['A1'].pk}/comptes/{pupil.pk}/qr/nouveau/", CONFIRMED
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert_refused(tenant_client("bordeaux").get(f"/qr/{old}/"))
    with schema_context("bordeaux"):
        assert QrLoginToken.objects.filter(pupil=pupil, revoked_at__isnull=True).count() == 1
        assert AuditEvent.objects.filter(
            action="qrlogin.token_issued", target=pupil.username
        ).exists()


def test_a_wrong_token_is_refused(maternelle_world, tenant_client):
    assert_refused(tenant_client("bordeaux").get("/qr/pas-un-vrai-jeton/"))


@pytest.mark.parametrize("state", ["blocked", "inactive", "left", "not_enrolled", "elementaire"])
def test_a_token_is_refused_when_the_pupil_may_not_log_in_by_qr(
    maternelle_world, tenant_client, state
):
    world = maternelle_world
    pupil = world.pupils["A1"][0]
    token = issue(world, pupil)
    with schema_context("bordeaux"):
        accounts = User.objects.filter(pk=pupil.pk)
        if state == "blocked":
            accounts.update(blocked_at=timezone.now())
        elif state == "inactive":
            accounts.update(is_active=False)
        elif state == "left":
            accounts.update(left_at=timezone.now())
        elif state == "not_enrolled":
            Enrolment.objects.filter(pupil=pupil).update(status=EnrolmentStatus.LEFT)
        else:
            world.classes["A1"].levels = ["GS", "CP"]
            world.classes["A1"].save()
    client = tenant_client("bordeaux")

    assert_refused(client.get(f"/qr/{token}/"))
    assert logged_in_user_id(client) is None


def test_tokens_are_only_issued_for_maternelle_classes(world):
    with schema_context("bordeaux"), pytest.raises(services.QrLoginRefused):
        services.qr_tokens_issue(
            classroom=world.classes["A1"], pupils=world.pupils["A1"], actor=None
        )


def test_qr_pages_of_an_elementaire_class_are_404(world, login_as):
    pupil = world.pupils["A1"][0]

    response = login_as(world["t1"]).post(
        f"/classes/{world.classes['A1'].pk}/comptes/{pupil.pk}/qr/nouveau/", CONFIRMED
    )

    assert response.status_code == 404
    with schema_context("bordeaux"):
        assert not QrLoginToken.objects.exists()


def test_a_teacher_of_another_class_cannot_revoke(maternelle_world, login_as, tenant_client):
    world = maternelle_world
    pupil = world.pupils["A1"][0]
    token = issue(world, pupil)

    response = login_as(world["t2"]).post(
        f"/classes/{world.classes['A1'].pk}/comptes/{pupil.pk}/qr/revoquer/", CONFIRMED
    )

    assert response.status_code == 404
    assert tenant_client("bordeaux").get(f"/qr/{token}/").status_code == 302


def test_bad_tokens_are_throttled_per_address(maternelle_world, tenant_client):
    pupil = maternelle_world.pupils["A1"][0]
    token = issue(maternelle_world, pupil)
    client = tenant_client("bordeaux")

    for _ in range(services.FAILURE_LIMIT):
        assert client.get("/qr/mauvais/").status_code == 404
    throttled = client.get(f"/qr/{token}/")

    assert throttled.status_code == 429
    assert "Trop d'essais" in throttled.content.decode()
    assert logged_in_user_id(client) is None
    # Another address is not affected.
    assert tenant_client("bordeaux", REMOTE_ADDR="10.1.2.3").get(f"/qr/{token}/").status_code == 302
    with schema_context("bordeaux"):
        assert (
            AuditEvent.objects.filter(action="login.qr_failure").count() == services.FAILURE_LIMIT
        )
        services.qr_login_failures_reset(RequestFactory().get("/", REMOTE_ADDR="10.1.2.3"))


def test_a_token_does_not_work_on_another_commune(maternelle_world, tenant_client):
    token = issue(maternelle_world, maternelle_world.pupils["A1"][0])

    response = tenant_client("pessac").get(f"/qr/{token}/")

    assert response.status_code == 404
    with schema_context("pessac"):
        services.qr_login_failures_reset(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1"))
