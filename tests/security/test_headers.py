"""Every answer carries the browser protections (config/security_headers.py), including the
answers routing gives before Django's SecurityMiddleware, and a view's own choice stands."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client, RequestFactory
from django_tenants.utils import schema_context

from config.security_headers import (
    PERMISSIONS_POLICY,
    SecurityHeadersMiddleware,
    content_security_policy,
    store_origins,
)
from tenants.models import Commune

BORDEAUX = f"bordeaux.{settings.ENT_BASE_DOMAIN}"
EXPECTED = {
    "Permissions-Policy": PERMISSIONS_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def directives(response: HttpResponseBase) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {
        name: value
        for name, _, value in (part.strip().partition(" ") for part in policy.split(";"))
    }


def assert_protected(response: HttpResponseBase) -> None:
    for header, value in EXPECTED.items():
        assert response.get(header) == value, (header, response.get(header))
    csp = directives(response)
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["base-uri"] == "'self'"
    assert csp["form-action"] == "'self'"
    assert csp["img-src"].startswith("'self' data: blob:")
    assert csp["media-src"].startswith("'self' blob:")
    assert "camera=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_a_commune_page(tenant_client: Callable[..., Client]) -> None:
    response = tenant_client("bordeaux").get("/")

    assert response.status_code == 200
    assert_protected(response)
    # The chat's future WebSocket, on the page's own host.
    assert directives(response)["connect-src"] == f"'self' ws://{BORDEAUX}"


def test_the_public_landing(tenant_client: Callable[..., Client]) -> None:
    response = tenant_client().get("/")

    assert response.status_code == 200
    assert_protected(response)


def test_a_missing_page(tenant_client: Callable[..., Client]) -> None:
    response = tenant_client("bordeaux").get("/pas-de-page-ici/")

    assert response.status_code == 404
    assert_protected(response)


def test_an_unknown_host_answered_by_routing(tenant_client: Callable[..., Client]) -> None:
    response = tenant_client("nulle-part").get("/")

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    assert_protected(response)


def test_a_host_outside_the_base_domain(db: None) -> None:
    response = Client(HTTP_HOST="evil.example.org").get("/")

    assert response.status_code == 400
    assert_protected(response)
    # A refused Host header never reaches the policy.
    assert directives(response)["connect-src"] == "'self'"
    assert "evil" not in response["Content-Security-Policy"]


def test_a_suspended_commune_answered_by_routing(
    tenant_client: Callable[..., Client], django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        Commune.objects.filter(slug="pessac").update(status="suspended")
        Commune.objects.get(slug="pessac").save()  # signals bump the routing stamp

    response = tenant_client("pessac").get("/")

    assert response.status_code == 503
    assert "Service suspendu" in response.content.decode()
    assert_protected(response)


def test_the_login_redirect(tenant_client: Callable[..., Client]) -> None:
    response = tenant_client("bordeaux").get("/comptes/")

    assert response.status_code == 302
    assert "/connexion/" in response["Location"]
    assert_protected(response)


def test_the_health_check(tenant_client: Callable[..., Client]) -> None:
    response = tenant_client("nulle-part").get("/healthz")

    assert response.status_code == 200
    assert_protected(response)


def test_an_api_answer(tenant_client: Callable[..., Client]) -> None:
    response = tenant_client("bordeaux").get("/api/v1/me/", HTTP_ACCEPT="application/json")

    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/json")
    assert_protected(response)


def test_a_static_file(tenant_client: Callable[..., Client]) -> None:
    response = tenant_client("bordeaux").get("/static/js/import-status.js")

    assert response.status_code == 200
    assert_protected(response)


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_third_party_api_documentation_alone_may_use_inline_styles(
    tenant_client: Callable[..., Client], path: str
) -> None:
    response = tenant_client("bordeaux").get(path)

    assert response.status_code == 200
    csp = directives(response)
    assert csp["style-src"] == "'self' 'unsafe-inline'"
    assert csp["script-src"] == "'self'"


def test_drf_browsable_api_alone_may_use_inline_styles(
    tenant_client: Callable[..., Client],
) -> None:
    response = tenant_client("bordeaux").get("/api/v1/me/", HTTP_ACCEPT="text/html")

    assert response["Content-Type"].startswith("text/html")
    csp = directives(response)
    assert csp["style-src"] == "'self' 'unsafe-inline'"
    assert csp["script-src"] == "'self'"


# --- the middleware on its own -----------------------------------------------------------------


def _through_middleware(response: HttpResponse, *, secure: bool = False) -> HttpResponseBase:
    def view(request: HttpRequest) -> HttpResponse:
        return response

    request = RequestFactory().get("/", HTTP_HOST=BORDEAUX, secure=secure)
    return SecurityHeadersMiddleware(view)(request)


def test_a_header_the_view_set_is_kept() -> None:
    own = HttpResponse()
    own["Content-Security-Policy"] = "sandbox; default-src 'none'"
    own["Referrer-Policy"] = "no-referrer"

    response = _through_middleware(own)

    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Frame-Options"] == "DENY"


def test_the_attachment_download_keeps_its_sandbox(as_user, bordeaux, settings, tmp_path) -> None:
    from apps.attachments.services import attachments_change
    from tests.attachments import files
    from tests.homework.conftest import entry

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = tmp_path
    with schema_context("bordeaux"):
        [attachment] = attachments_change(
            user=bordeaux["t1"],
            publication=entry(bordeaux, publish=False).publication,
            add=[files.upload("fiche.pdf", files.PDF)],
        )

    response = as_user(bordeaux, "t1").get(f"/pieces-jointes/{attachment.pk}/")

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_a_view_exempt_from_framing_keeps_that_choice() -> None:
    own = HttpResponse()
    own.xframe_options_exempt = True

    response = _through_middleware(own)

    assert "X-Frame-Options" not in response
    assert "frame-ancestors" not in response["Content-Security-Policy"]


def test_over_https_the_websocket_is_wss() -> None:
    response = _through_middleware(HttpResponse(), secure=True)

    assert directives(response)["connect-src"] == f"'self' wss://{BORDEAUX}"


def test_pictures_and_videos_may_come_from_the_s3_store(settings) -> None:
    settings.S3_BUCKET = "ent-pieces"
    settings.S3_ENDPOINT_URL = "https://s3.fr-par.scw.cloud/"
    settings.ENT_CSP_MEDIA_ORIGINS = ["https://cdn.example.org/medias"]

    response = _through_middleware(HttpResponse())

    csp = directives(response)
    sources = "https://s3.fr-par.scw.cloud https://ent-pieces.s3.fr-par.scw.cloud"
    assert csp["img-src"] == f"'self' data: blob: {sources} https://cdn.example.org"
    assert csp["media-src"] == f"'self' blob: {sources} https://cdn.example.org"
    assert csp["script-src"] == "'self'"
    assert csp["default-src"] == "'self'"


def test_store_origins_on_aws_and_without_a_bucket() -> None:
    assert store_origins(bucket="", endpoint_url="https://s3.example.org", region="") == []
    assert store_origins(bucket="Ent", endpoint_url="", region="eu-west-3") == [
        "https://ent.s3.amazonaws.com",
        "https://ent.s3.eu-west-3.amazonaws.com",
        "https://s3.eu-west-3.amazonaws.com",
    ]


def test_without_a_store_only_the_ent_itself() -> None:
    csp = content_security_policy()

    assert "img-src 'self' data: blob:;" in csp
    assert "media-src 'self' blob:;" in csp
    assert "connect-src 'self';" in csp
