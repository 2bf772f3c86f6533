"""An API token never opens more than a session would: not the account of anyone who has
a second factor.

A session of a teacher or director who enrolled owes a code before reaching anything; a
bearer token carries no code, so the token of such an account is refused, like the tokens
of the profiles for which the second factor is mandatory.
"""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from apps.accounts.models import TWO_FACTOR_REQUIRED, Profile
from tests.security.helpers import enrol, make_user


def _token(user) -> str:
    with schema_context("bordeaux"):
        return Token.objects.create(user=user).key


@pytest.mark.parametrize("profile", [Profile.TEACHER, Profile.DIRECTOR])
def test_the_token_of_an_enrolled_teacher_or_director_is_refused(tenant_client, profile):
    person = make_user("bordeaux", "porteur", profile)
    key = _token(person)
    client = tenant_client("bordeaux")
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert client.get("/api/v1/me/", **auth).status_code == 200  # before enrolling

    enrol("bordeaux", person)
    response = client.get("/api/v1/me/", **auth)

    # DRF answers 403 (not 401): its first class, the session one, sends no WWW-Authenticate.
    assert response.status_code == 403
    detail = response.json()["detail"]
    assert "double authentification" in detail
    assert "jeton" in detail
    assert "porteur" not in response.content.decode()


def test_removing_the_device_gives_the_token_back(tenant_client):
    """The rule follows the account's devices, not a flag set once."""
    person = make_user("bordeaux", "porteur", Profile.TEACHER)
    key = _token(person)
    enrol("bordeaux", person)
    client = tenant_client("bordeaux")
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert client.get("/api/v1/me/", **auth).status_code == 403

    with schema_context("bordeaux"):
        TOTPDevice.objects.filter(user=person).delete()
        StaticDevice.objects.filter(user=person).delete()

    assert client.get("/api/v1/me/", **auth).status_code == 200


def test_an_enrolment_not_confirmed_yet_does_not_refuse_the_token(tenant_client):
    """A device whose first code was never given protects nothing yet (nor does a session
    ask for it)."""
    person = make_user("bordeaux", "porteur", Profile.TEACHER)
    with schema_context("bordeaux"):
        TOTPDevice.objects.create(user=person, name="Téléphone", confirmed=False)
    key = _token(person)

    response = tenant_client("bordeaux").get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 200


class _WhoAmI(APIView):
    def get(self, request):
        return Response({"username": request.user.username})


def _call_with_token(user):
    with schema_context("bordeaux"):
        token = Token.objects.create(user=user)
        request = APIRequestFactory().get("/api/moi/", HTTP_AUTHORIZATION=f"Token {token.key}")
        return _WhoAmI.as_view()(request)


@pytest.mark.parametrize("device", ["none", "totp", "backup_codes_only"])
@pytest.mark.parametrize("profile", list(Profile))
def test_a_token_works_only_for_accounts_without_any_second_factor(db, profile, device):
    """Every profile, every kind of confirmed device: the token is accepted only when
    nothing would ask this account for a code."""
    person = make_user("bordeaux", "porteur", profile)
    with schema_context("bordeaux"):
        if device == "totp":
            TOTPDevice.objects.create(user=person, name="Téléphone", confirmed=True)
        elif device == "backup_codes_only":
            StaticDevice.objects.create(user=person, name="Codes de secours", confirmed=True)

    response = _call_with_token(person)

    if device == "none" and profile not in TWO_FACTOR_REQUIRED:
        assert response.status_code == 200
        assert response.data == {"username": "porteur"}
    else:
        assert response.status_code == 403
        assert "double authentification" in str(response.data["detail"])
