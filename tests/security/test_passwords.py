"""Password rules by profile, first login with the activation code, reset by e-mail,
blocked accounts."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from apps.accounts.security.services import account_block
from apps.audit.models import AuditEvent
from tests.security.helpers import (
    ADULT_PASSWORD,
    PUPIL_PASSWORD,
    enrol,
    log_in,
    log_in_verified,
    make_user,
)

# --- the rules ------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["chat42", "soleil", "123456", "abcdef"])
def test_a_pupil_password_needs_six_characters_and_nothing_else(password):
    pupil = User(username="lea.martin", profile=Profile.PUPIL)

    validate_password(password, pupil)


def test_a_pupil_password_of_five_characters_is_refused():
    pupil = User(username="lea.martin", profile=Profile.PUPIL)

    with pytest.raises(ValidationError) as refused:
        validate_password("chat4", pupil)

    assert refused.value.messages == ["Le mot de passe doit contenir au moins 6 caractères."]


@pytest.mark.parametrize(
    "profile",
    [Profile.PARENT, Profile.TEACHER, Profile.DIRECTOR, Profile.COMMUNE_ADMIN, Profile.COORDINATOR],
)
@pytest.mark.parametrize(
    "password", ["chat42", "motdepasse1", "123456789012345", "password1234", "durand-marie-x"]
)
def test_adults_get_the_full_policy(profile, password):
    adult = User(username="durand.marie", first_name="Marie", last_name="Durand", profile=profile)

    with pytest.raises(ValidationError):
        validate_password(password, adult)


def test_an_adult_password_that_passes_the_policy():
    adult = User(username="m.durand", profile=Profile.TEACHER)

    validate_password("cartable-vert-et-jaune", adult)


def test_an_unknown_account_gets_the_adult_policy():
    with pytest.raises(ValidationError):
        validate_password("chat42")


def test_the_validator_is_the_only_entry_and_wraps_the_adult_ones(settings):
    (entry,) = settings.AUTH_PASSWORD_VALIDATORS

    assert entry["NAME"] == "apps.accounts.passwords.ProfileAwarePasswordValidator"
    names = [v["NAME"].rsplit(".", 1)[1] for v in entry["OPTIONS"]["adult_validators"]]
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]


# --- first login with the activation code ------------------------------------------------


def _card(username: str, profile: str = Profile.PUPIL, code: str = "K7P2-Q9XM") -> User:
    user = make_user("bordeaux", username, profile)
    with schema_context("bordeaux"):
        user.set_unusable_password()
        user.activation_code = code
        user.save()
    return user


def _first_login(client, username, code, password):
    return client.post(
        "/premiere-connexion/",
        {
            "username": username,
            "activation_code": code,
            "new_password1": password,
            "new_password2": password,
        },
    )


def test_the_first_login_page_is_accessible(tenant_client):
    page = tenant_client("bordeaux").get("/premiere-connexion/").content.decode()

    assert '<label for="id_username">' in page
    assert '<label for="id_activation_code">' in page
    assert 'autocomplete="username"' in page
    assert 'autocomplete="new-password"' in page
    assert 'aria-describedby="id_activation_code_helptext"' in page


def test_a_pupil_activates_the_account_with_the_card(tenant_client):
    _card("lea.martin")
    client = tenant_client("bordeaux")

    response = _first_login(client, "lea.martin", "k7p2 q9xm", "lapin7")

    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    with schema_context("bordeaux"):
        pupil = User.objects.get(username="lea.martin")
        assert AuditEvent.objects.filter(action="account.activated", target="lea.martin").exists()
    assert pupil.activation_code == ""
    assert pupil.activated_at is not None
    assert pupil.check_password("lapin7")
    # The code works once.
    other = tenant_client("bordeaux")
    assert _first_login(other, "lea.martin", "K7P2-Q9XM", "autre99").status_code == 200
    assert "_auth_user_id" not in other.session


def test_an_adult_chooses_a_real_password_at_first_login(tenant_client):
    _card("parent.martin", Profile.PARENT)
    client = tenant_client("bordeaux")

    refused = _first_login(client, "parent.martin", "K7P2-Q9XM", "lapin7")
    assert refused.status_code == 200
    assert 'aria-invalid="true"' in refused.content.decode()
    with schema_context("bordeaux"):
        assert User.objects.get(username="parent.martin").activation_code == "K7P2-Q9XM"

    assert (
        _first_login(client, "parent.martin", "K7P2-Q9XM", "cartable-vert-et-jaune").status_code
        == 302
    )


def test_an_administrator_activated_by_card_goes_on_to_enrol(tenant_client):
    _card("admin.bordeaux", Profile.COMMUNE_ADMIN)
    client = tenant_client("bordeaux")

    response = _first_login(client, "admin.bordeaux", "K7P2-Q9XM", "cartable-vert-et-jaune")

    assert response["Location"] == "/mon-compte/double-authentification/activer/"


def test_a_wrong_activation_code_counts_as_a_failed_login(tenant_client):
    _card("lea.martin")
    client = tenant_client("bordeaux", REMOTE_ADDR="10.33.0.1")

    wrong = _first_login(client, "lea.martin", "AAAA-BBBB", "lapin7")

    assert wrong.status_code == 200
    page = wrong.content.decode()
    assert "Identifiant ou code d&#x27;activation incorrect." in page
    assert 'aria-describedby="form-errors id_activation_code_helptext"' in page
    with schema_context("bordeaux"):
        attempt = AccessAttempt.objects.get(username="lea.martin")
        assert attempt.failures_since_start == 1
        assert AuditEvent.objects.get(action="login.failure").details == {
            "stage": "activation_code"
        }
        assert User.objects.get(username="lea.martin").activation_code == "K7P2-Q9XM"


def test_ten_wrong_activation_codes_lock_the_card_even_with_the_right_one(tenant_client):
    _card("lea.martin")
    client = tenant_client("bordeaux", REMOTE_ADDR="10.33.0.1")
    for _ in range(9):
        assert _first_login(client, "lea.martin", "AAAA-BBBB", "lapin7").status_code == 200

    assert _first_login(client, "lea.martin", "AAAA-BBBB", "lapin7").status_code == 429
    assert _first_login(client, "lea.martin", "K7P2-Q9XM", "lapin7").status_code == 429
    with schema_context("bordeaux"):
        assert User.objects.get(username="lea.martin").activation_code == "K7P2-Q9XM"


def test_an_account_without_activation_code_cannot_be_activated(tenant_client):
    make_user("bordeaux", "lea.martin", Profile.PUPIL)

    response = _first_login(tenant_client("bordeaux"), "lea.martin", "", "lapin7")

    assert response.status_code == 200
    with schema_context("bordeaux"):
        assert User.objects.get(username="lea.martin").check_password(PUPIL_PASSWORD)


# --- password change and reset by e-mail ------------------------------------------------------


def test_changing_one_s_password_is_recorded(tenant_client):
    make_user("bordeaux", "m.durand")
    client = tenant_client("bordeaux")
    log_in(client, "m.durand")

    response = client.post(
        "/mon-compte/mot-de-passe/",
        {
            "old_password": ADULT_PASSWORD,
            "new_password1": "cartable-vert-et-jaune",
            "new_password2": "cartable-vert-et-jaune",
        },
    )

    assert response.status_code == 302
    assert client.get("/mon-compte/").status_code == 200  # the session survives the change
    with schema_context("bordeaux"):
        assert User.objects.get(username="m.durand").check_password("cartable-vert-et-jaune")
        assert AuditEvent.objects.filter(action="password.changed").exists()


def test_an_adult_resets_the_password_by_email_on_the_commune_host(tenant_client, mailoutbox):
    make_user("bordeaux", "m.durand", email="marie.durand@example.org")
    client = tenant_client("bordeaux")

    response = client.post("/mot-de-passe-oublie/", {"email": "marie.durand@example.org"})

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["marie.durand@example.org"]
    assert "nouveau mot de passe" in message.subject
    assert "Bordeaux" in message.subject
    link = re.search(r"https?://bordeaux\.ent\.localhost(/mot-de-passe-oublie/\S+/)", message.body)
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url,
        {"new_password1": "cartable-vert-et-jaune", "new_password2": "cartable-vert-et-jaune"},
    )
    assert done.status_code == 302
    with schema_context("bordeaux"):
        assert User.objects.get(username="m.durand").check_password("cartable-vert-et-jaune")
        assert AuditEvent.objects.filter(action="password.reset", target="m.durand").exists()


@pytest.mark.parametrize("fields", [{"profile": Profile.PUPIL}, {"blocked_at": "now"}])
def test_no_reset_mail_for_pupils_or_blocked_accounts(tenant_client, mailoutbox, fields):
    if fields.get("blocked_at") == "now":
        fields = {"blocked_at": timezone.now()}
    make_user("bordeaux", "x.dupont", email="x.dupont@example.org", **fields)

    response = tenant_client("bordeaux").post(
        "/mot-de-passe-oublie/", {"email": "x.dupont@example.org"}
    )

    assert response.status_code == 302  # the same answer, so addresses are not revealed
    assert mailoutbox == []


def test_a_reset_mail_goes_out_in_its_own_commune_only(tenant_client, mailoutbox):
    make_user("pessac", "m.durand", email="marie.durand@example.org")

    tenant_client("bordeaux").post("/mot-de-passe-oublie/", {"email": "marie.durand@example.org"})

    assert mailoutbox == []


# --- blocked accounts ---------------------------------------------------------------------


def test_a_blocked_account_cannot_log_in(tenant_client):
    make_user("bordeaux", "m.durand", blocked_at=timezone.now())
    client = tenant_client("bordeaux")

    response = log_in(client, "m.durand")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Identifiant ou mot de passe incorrect." in page
    assert '<div class="error" role="alert" id="form-errors">' in page
    assert 'aria-describedby="form-errors"' in page
    assert "_auth_user_id" not in client.session


def test_blocking_ends_the_open_sessions_on_their_next_request(tenant_client):
    teacher = make_user("bordeaux", "m.durand")
    client = tenant_client("bordeaux")
    log_in(client, "m.durand")
    assert client.get("/mon-compte/").status_code == 200

    with schema_context("bordeaux"):
        admin = make_user("bordeaux", "admin.bordeaux", Profile.COMMUNE_ADMIN)
        account_block(actor=admin, user=teacher)

    response = client.get("/mon-compte/")
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")
    assert "_auth_user_id" not in client.session


def test_the_commune_admin_blocks_and_unblocks_an_account(tenant_client):
    make_user("bordeaux", "m.durand")
    admin = make_user("bordeaux", "admin.bordeaux", Profile.COMMUNE_ADMIN)
    device = enrol("bordeaux", admin)
    client = tenant_client("bordeaux")
    log_in_verified(client, "bordeaux", admin, device)
    with schema_context("bordeaux"):
        teacher_id = User.objects.get(username="m.durand").pk
    url = f"/comptes/{teacher_id}/blocage/"

    assert client.post(url, {"action": "block"}).status_code == 302
    assert log_in(tenant_client("bordeaux"), "m.durand").status_code == 200
    assert client.post(url, {"action": "unblock"}).status_code == 302
    assert log_in(tenant_client("bordeaux"), "m.durand").status_code == 302
    with schema_context("bordeaux"):
        actions = list(
            AuditEvent.objects.filter(target="m.durand", action__startswith="account.")
            .order_by("at", "pk")
            .values_list("action", flat=True)
        )
    assert actions == ["account.blocked", "account.unblocked"]


def test_a_teacher_cannot_block_anyone(tenant_client):
    make_user("bordeaux", "m.durand")
    colleague = make_user("bordeaux", "b.autre")
    client = tenant_client("bordeaux")
    log_in(client, "m.durand")

    assert client.post(f"/comptes/{colleague.pk}/blocage/", {"action": "block"}).status_code == 404
    with schema_context("bordeaux"):
        assert User.objects.get(pk=colleague.pk).blocked_at is None
