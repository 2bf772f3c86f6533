"""Second factor: enrolment with a QR code, login in two steps, backup codes, removal."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from apps.accounts.models import Profile
from apps.accounts.security.two_factor import backup_code_digest
from apps.audit.models import AuditEvent
from tests.security.helpers import (
    BACKUP_CODE,
    code_for,
    enrol,
    log_in,
    log_in_verified,
    make_user,
)


@pytest.fixture(autouse=True)
def _no_otp_throttle_delay(settings):
    # django-otp makes a device wait 1, 2, 4… seconds after each wrong code; the tests that
    # follow a wrong code with a right one would otherwise have to sleep.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def _actions(schema: str) -> list[str]:
    with schema_context(schema):
        return list(AuditEvent.objects.order_by("at", "pk").values_list("action", flat=True))


def test_admin_enrols_with_qr_code_and_secret_then_sees_ten_backup_codes_once(tenant_client):
    admin = make_user("bordeaux", "admin.bordeaux", Profile.COMMUNE_ADMIN)
    client = tenant_client("bordeaux")

    response = log_in(client, admin.username)
    assert response.status_code == 302
    assert response["Location"].startswith("/mon-compte/double-authentification/activer/")

    page = client.get("/mon-compte/double-authentification/activer/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "<path" in html
    with schema_context("bordeaux"):
        device = TOTPDevice.objects.get(user=admin)
    assert device.confirmed is False
    secret = re.search(r'<code class="secret" id="cle-secrete">([A-Z2-7 ]+)</code>', html)
    assert secret is not None
    assert 'inputmode="numeric"' in html and 'autocomplete="one-time-code"' in html
    # Reloading the page keeps the same secret until it is confirmed.
    assert (
        secret.group(1)
        in client.get("/mon-compte/double-authentification/activer/").content.decode()
    )

    wrong = client.post("/mon-compte/double-authentification/activer/", {"code": "000000"})
    assert wrong.status_code == 200
    assert "n&#x27;est pas valable" in wrong.content.decode()
    assert 'aria-invalid="true"' in wrong.content.decode()

    confirmed = client.post(
        "/mon-compte/double-authentification/activer/", {"code": code_for(device)}
    )
    assert confirmed.status_code == 302
    assert confirmed["Location"].startswith("/mon-compte/double-authentification/codes-de-secours/")

    shown = client.get(confirmed["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", shown)
    assert len(codes) == 10 and len(set(codes)) == 10
    with schema_context("bordeaux"):
        stored = set(StaticToken.objects.filter(device__user=admin).values_list("token", flat=True))
        assert TOTPDevice.objects.get(user=admin).confirmed is True
    assert stored == {backup_code_digest(admin.pk, code) for code in codes}
    # Shown once: the page does not show them again.
    again = client.get("/mon-compte/double-authentification/codes-de-secours/").content.decode()
    assert not any(code in again for code in codes)
    assert "déjà été affichés" in again
    # The session is verified: the admin reaches the rest of the site.
    assert client.get("/mon-compte/").status_code == 200
    assert "2fa.enrolled" in _actions("bordeaux")


def test_login_asks_for_a_code_once_the_account_has_a_device(tenant_client):
    teacher = make_user("bordeaux", "m.durand")
    device = enrol("bordeaux", teacher)
    client = tenant_client("bordeaux")

    response = log_in(client, "m.durand")
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/code/")
    # Until a code is given, the rest of the site sends back to the code page.
    assert client.get("/mon-compte/")["Location"].startswith("/connexion/code/")

    page = client.get("/connexion/code/").content.decode()
    assert 'inputmode="numeric"' in page and '<label for="id_code">' in page

    wrong = client.post("/connexion/code/", {"code": "123456"})
    assert wrong.status_code == 200
    assert 'value="123456"' not in wrong.content.decode()  # the field comes back empty
    assert 'aria-describedby="id_code_error"' in wrong.content.decode()
    assert client.get("/mon-compte/").status_code == 302

    right = client.post("/connexion/code/", {"code": code_for(device), "next": "/mon-compte/"})
    assert right.status_code == 302
    assert right["Location"] == "/mon-compte/"
    assert client.get("/mon-compte/").status_code == 200
    actions = _actions("bordeaux")
    assert actions.count("login.success") == 1
    assert "2fa.verified" in actions
    with schema_context("bordeaux"):
        failure = AuditEvent.objects.get(action="login.failure")
    assert failure.details == {"stage": "second_factor"}
    assert failure.target == "m.durand"


def test_a_code_is_accepted_only_once(tenant_client):
    teacher = make_user("bordeaux", "m.durand")
    device = enrol("bordeaux", teacher)
    code = code_for(device)
    first = tenant_client("bordeaux")
    log_in(first, "m.durand")
    assert first.post("/connexion/code/", {"code": code}).status_code == 302

    second = tenant_client("bordeaux")
    log_in(second, "m.durand")

    assert second.post("/connexion/code/", {"code": code}).status_code == 200
    assert second.get("/mon-compte/").status_code == 302


def test_a_backup_code_logs_in_once(tenant_client):
    teacher = make_user("bordeaux", "m.durand")
    enrol("bordeaux", teacher, backup_codes=(BACKUP_CODE, "zzzz7777"))
    client = tenant_client("bordeaux")
    log_in(client, "m.durand")

    # Typed from paper: upper case, with a dash.
    response = client.post("/connexion/code/", {"backup_code": "ABCD-2345"})

    assert response.status_code == 302
    assert client.get("/mon-compte/").status_code == 200
    with schema_context("bordeaux"):
        left = set(StaticToken.objects.filter(device__user=teacher).values_list("token", flat=True))
    assert left == {backup_code_digest(teacher.pk, "zzzz7777")}
    other = tenant_client("bordeaux")
    log_in(other, "m.durand")
    assert other.post("/connexion/code/", {"backup_code": BACKUP_CODE}).status_code == 200
    assert other.get("/mon-compte/").status_code == 302


def test_regenerating_backup_codes_needs_a_code_and_replaces_them(tenant_client):
    director = make_user("bordeaux", "d.martin", Profile.DIRECTOR)
    device = enrol("bordeaux", director)
    client = tenant_client("bordeaux")
    log_in_verified(client, "bordeaux", director, device)
    url = "/mon-compte/double-authentification/codes-de-secours/renouveler/"

    refused = client.post(url, {"code": "000000"})
    assert refused.status_code == 200
    with schema_context("bordeaux"):
        assert list(
            StaticToken.objects.filter(device__user=director).values_list("token", flat=True)
        ) == [backup_code_digest(director.pk, BACKUP_CODE)]

    with schema_context("bordeaux"):
        device.refresh_from_db()
    done = client.post(url, {"code": code_for(device, 1)})
    assert done.status_code == 302
    shown = client.get(done["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", shown)
    assert len(codes) == 10
    with schema_context("bordeaux"):
        tokens = set(
            StaticToken.objects.filter(device__user=director).values_list("token", flat=True)
        )
        assert StaticDevice.objects.filter(user=director).count() == 1
    assert tokens == {backup_code_digest(director.pk, code) for code in codes}
    assert backup_code_digest(director.pk, BACKUP_CODE) not in tokens
    assert "2fa.backup_codes_regenerated" in _actions("bordeaux")


def test_removing_the_device_needs_a_code(tenant_client):
    teacher = make_user("bordeaux", "m.durand")
    device = enrol("bordeaux", teacher)
    client = tenant_client("bordeaux")
    log_in_verified(client, "bordeaux", teacher, device)
    url = "/mon-compte/double-authentification/desactiver/"

    assert client.post(url, {"code": "000000"}).status_code == 200
    with schema_context("bordeaux"):
        assert TOTPDevice.objects.filter(user=teacher).exists()

    assert client.post(url, {"backup_code": BACKUP_CODE}).status_code == 302
    with schema_context("bordeaux"):
        assert not TOTPDevice.objects.filter(user=teacher).exists()
        assert not StaticDevice.objects.filter(user=teacher).exists()
    assert "2fa.removed" in _actions("bordeaux")
    # A teacher without a device logs in with the password alone again.
    client.post("/deconnexion/")
    assert log_in(client, "m.durand")["Location"] == "/"
    assert client.get("/mon-compte/").status_code == 200


def test_an_admin_who_removes_the_device_must_enrol_again(tenant_client):
    admin = make_user("bordeaux", "admin.bordeaux", Profile.COMMUNE_ADMIN)
    device = enrol("bordeaux", admin)
    client = tenant_client("bordeaux")
    log_in_verified(client, "bordeaux", admin, device)

    client.post("/mon-compte/double-authentification/desactiver/", {"backup_code": BACKUP_CODE})

    response = client.get("/mon-compte/")
    assert response.status_code == 302
    assert response["Location"].startswith("/mon-compte/double-authentification/activer/")


def test_teachers_enrol_from_their_account_page(tenant_client):
    make_user("bordeaux", "m.durand")
    client = tenant_client("bordeaux")
    assert log_in(client, "m.durand")["Location"] == "/"

    page = client.get("/mon-compte/").content.decode()

    assert "/mon-compte/double-authentification/activer/" in page
    assert client.get("/mon-compte/double-authentification/activer/").status_code == 200


@pytest.mark.parametrize("profile", [Profile.PUPIL, Profile.PARENT])
def test_pupils_and_parents_have_no_second_factor(tenant_client, profile):
    make_user("bordeaux", "x.dupont", profile)
    client = tenant_client("bordeaux")
    log_in(client, "x.dupont", "chat42" if profile == Profile.PUPIL else "un-mot-de-passe-solide")

    assert "double-authentification" not in client.get("/mon-compte/").content.decode()
    assert client.get("/mon-compte/double-authentification/activer/").status_code == 404
    with schema_context("bordeaux"):
        assert not TOTPDevice.objects.exists()


def test_a_session_that_owes_a_code_cannot_enrol_a_second_device(tenant_client):
    admin = make_user("bordeaux", "admin.bordeaux", Profile.COMMUNE_ADMIN)
    enrol("bordeaux", admin)
    client = tenant_client("bordeaux")
    log_in(client, admin.username)

    response = client.get("/mon-compte/double-authentification/activer/")

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/code/")
    with schema_context("bordeaux"):
        assert TOTPDevice.objects.filter(user=admin).count() == 1


def test_the_coordinator_enrols_on_the_base_domain(tenant_client):
    coordinator = make_user("public", "coordination", Profile.COORDINATOR)
    client = tenant_client()

    assert log_in(client, "coordination")["Location"].startswith(
        "/mon-compte/double-authentification/activer/"
    )
    client.get("/mon-compte/double-authentification/activer/")
    with schema_context("public"):
        device = TOTPDevice.objects.get(user=coordinator)
    response = client.post(
        "/mon-compte/double-authentification/activer/", {"code": code_for(device)}
    )

    assert response.status_code == 302
    assert client.get("/mon-compte/").status_code == 200
    assert "2fa.enrolled" in _actions("public")
    with schema_context("bordeaux"):
        assert not TOTPDevice.objects.exists()


def test_a_session_opened_elsewhere_still_owes_the_code(tenant_client):
    """Logins that bypass our login page (the admin's, another app's) get the same rule."""
    teacher = make_user("bordeaux", "m.durand")
    enrol("bordeaux", teacher)
    client = tenant_client("bordeaux")
    with schema_context("bordeaux"):
        client.force_login(teacher)

    response = client.get("/mon-compte/")

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/code/")


def test_pupil_sessions_never_look_for_devices(tenant_client):
    make_user("bordeaux", "lea.martin", Profile.PUPIL)
    client = tenant_client("bordeaux")
    log_in(client, "lea.martin", "chat42")

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/mon-compte/").status_code == 200

    assert not [q for q in queries.captured_queries if "otp_" in q["sql"]]
