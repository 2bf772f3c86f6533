"""Two-factor is mandatory for commune administrators and coordinators.

Until they have enrolled and given a code in the current session, every URL of both
URLconfs — including the ones other apps add later: the patterns are enumerated at test
time — answers with a redirect to the two-factor page, 403 (API) or 404. Never a page.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import resolve
from django.utils import timezone
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from apps.accounts.models import Profile
from apps.accounts.security.middleware import TWO_FACTOR_ALLOWED_URL_NAMES
from tests.security.helpers import code_for, enrol, log_in, make_user
from tests.security.url_walk import endpoints

URLCONFS = ["config.urls_tenants", "config.urls_public"]
# What a session owing a second factor may reach. Changing it is a security decision.
ALLOWED = {"accounts:two_factor_verify", "accounts:two_factor_enrol", "accounts:logout"}
VERIFY_PAGE = "/connexion/code/"
ENROL_PAGE = "/mon-compte/double-authentification/activer/"


def test_the_allow_list_is_exactly_the_two_factor_pages_and_logout():
    assert TWO_FACTOR_ALLOWED_URL_NAMES == ALLOWED


@pytest.mark.parametrize("urlconf", URLCONFS)
def test_every_url_pattern_gets_a_concrete_path(urlconf):
    built, failed = endpoints(urlconf)

    assert failed == []
    names = {endpoint.name for endpoint in built}
    assert ALLOWED <= names
    for endpoint in built:
        resolve(endpoint.path, urlconf)  # raises Resolver404 if the sample path is wrong


CASES = [
    pytest.param("bordeaux", "config.urls_tenants", Profile.COMMUNE_ADMIN, False, id="admin"),
    pytest.param("bordeaux", "config.urls_tenants", Profile.COMMUNE_ADMIN, True, id="admin-dev"),
    pytest.param(None, "config.urls_public", Profile.COORDINATOR, False, id="coordinator"),
    pytest.param(None, "config.urls_public", Profile.COORDINATOR, True, id="coordinator-dev"),
]


@pytest.mark.parametrize(("slug", "urlconf", "profile", "enrolled"), CASES)
def test_an_unverified_session_reaches_only_the_two_factor_pages(
    tenant_client, slug, urlconf, profile, enrolled
):
    """``enrolled``: the account has a device but this session gave no code yet; otherwise
    the account has never enrolled."""
    schema = slug or "public"
    user = make_user(schema, "responsable", profile)
    if enrolled:
        enrol(schema, user)
    client = tenant_client(slug)
    assert log_in(client, user.username).status_code == 302
    two_factor_page = VERIFY_PAGE if enrolled else ENROL_PAGE
    built, _ = endpoints(urlconf)

    leaks = []
    for endpoint in built:
        if endpoint.name in ALLOWED:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(endpoint.path)
            label = f"{method.upper()} {endpoint.path} ({endpoint.name or endpoint.route})"
            if endpoint.path.startswith("/api/"):
                if response.status_code not in (403, 404):
                    leaks.append(f"{label} → {response.status_code}, expected 403")
                continue
            if response.status_code in (403, 404):
                continue
            location = urlsplit(response.get("Location", "")).path
            if response.status_code == 302 and location == two_factor_page:
                continue
            leaks.append(f"{label} → {response.status_code} {location}")

    assert leaks == []
    assert client.get(two_factor_page).status_code == 200
    assert client.get("/api/").status_code in (403, 404)
    # Still logged in, still owing a code: nothing above verified or ended the session.
    assert client.get("/mon-compte/")["Location"].startswith(two_factor_page)


def test_once_verified_the_admin_reaches_the_site(tenant_client):
    admin = make_user("bordeaux", "admin.bordeaux", Profile.COMMUNE_ADMIN)
    device = enrol("bordeaux", admin)
    client = tenant_client("bordeaux")
    log_in(client, admin.username)

    client.post(VERIFY_PAGE, {"code": code_for(device)})

    assert client.get("/mon-compte/").status_code == 200
    assert client.get("/administration/journal/").status_code == 200


def test_an_unverified_api_call_is_refused_with_403(tenant_client):
    make_user("bordeaux", "admin.bordeaux", Profile.COMMUNE_ADMIN)
    client = tenant_client("bordeaux")
    log_in(client, "admin.bordeaux")
    built, _ = endpoints("config.urls_tenants")
    api = [endpoint for endpoint in built if endpoint.path.startswith("/api/")]

    for endpoint in api:
        response = client.get(endpoint.path)
        assert response.status_code == 403, endpoint.path
        assert "Double authentification" in response.json()["detail"]


def test_rest_framework_uses_the_two_factor_safe_token_class(settings):
    classes = settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]

    assert "apps.accounts.security.authentication.TwoFactorSafeTokenAuthentication" in classes
    assert "rest_framework.authentication.TokenAuthentication" not in classes


class _WhoAmI(APIView):
    def get(self, request):
        return Response({"username": request.user.username})


def _call_with_token(user):
    with schema_context("bordeaux"):
        token = Token.objects.create(user=user)
        request = APIRequestFactory().get("/api/moi/", HTTP_AUTHORIZATION=f"Token {token.key}")
        return _WhoAmI.as_view()(request)


# DRF answers 403 rather than 401 to a failed authentication when its first class (session)
# sends no WWW-Authenticate header.
REFUSED = 403


@pytest.mark.parametrize("profile", [Profile.COMMUNE_ADMIN, Profile.COORDINATOR])
def test_api_tokens_of_accounts_that_require_two_factor_are_refused(db, profile):
    user = make_user("bordeaux", "porteur", profile)

    response = _call_with_token(user)

    assert response.status_code == REFUSED
    assert "double authentification" in str(response.data["detail"])


@pytest.mark.parametrize("profile", [Profile.TEACHER, Profile.DIRECTOR, Profile.PARENT])
def test_api_tokens_of_other_accounts_work(db, profile):
    user = make_user("bordeaux", "porteur", profile)

    response = _call_with_token(user)

    assert response.status_code == 200
    assert response.data == {"username": "porteur"}


def test_a_blocked_account_token_is_refused(db):
    user = make_user("bordeaux", "porteur", Profile.TEACHER, blocked_at=timezone.now())

    response = _call_with_token(user)

    assert response.status_code == REFUSED
    assert "bloqué" in str(response.data["detail"])


@pytest.mark.parametrize("urlconf", URLCONFS)
def test_no_url_issues_api_tokens(urlconf):
    """Tokens would let an account skip the second factor: no endpoint hands them out.
    (If one is ever needed, it must refuse accounts for which ``account_has_second_factor``,
    as ``TwoFactorSafeTokenAuthentication`` does.)"""
    built, _ = endpoints(urlconf)

    issuers = [
        endpoint.path
        for endpoint in built
        if isinstance(getattr(endpoint.callback, "cls", None), type)
        and issubclass(endpoint.callback.cls, ObtainAuthToken)
        or isinstance(getattr(endpoint.callback, "view_class", None), type)
        and issubclass(endpoint.callback.view_class, ObtainAuthToken)
    ]
    assert issuers == []
