"""The browser-side protections every answer carries, whoever produced it.

First in MIDDLEWARE, so that it also wraps the answers given before Django's own
SecurityMiddleware runs: the health check, an unknown host's 404, a suspended commune's page
(tenants/middleware.py). A header already on the response is left as it is: a view that set
one (the attachment download's sandboxing policy, say) meant it.

The Content-Security-Policy allows scripts and styles from the ENT's own origin only: the
templates carry no inline script, no ``on…=`` handler and no ``style=""`` attribute
(tests/security/test_templates_csp.py scans them). Pictures, sounds and videos may also come from
the S3 store, which serves attachments through presigned URLs on its own origin.

Pages drawn by third-party code — DRF's browsable API, the Swagger UI and Redoc
(ENT_CSP_THIRD_PARTY_VIEWS) — write style attributes and ``<style>`` elements we cannot
change: only they get ``'unsafe-inline'`` styles (and Redoc's search worker, made from a
blob). Scripts stay ``'self'`` everywhere.

A page whose own script must add a ``<style>`` element (the cahier de textes' rich-text editor,
Trix, inserts its default CSS) reads ``request.csp_nonce`` in its template: only then does the
answer's style-src also allow ``'nonce-<that value>'``, a new random value for each request.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost, ImproperlyConfigured
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from rest_framework.renderers import BrowsableAPIRenderer

Handler = Callable[[HttpRequest], HttpResponseBase]

# No page of the ENT uses these; a script that got in anyway cannot either. Sound recording
# would need microphone=(self) here.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
)


def origin_of(url: str) -> str:
    """``https://s3.example.org:9000/bucket`` → ``https://s3.example.org:9000``."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc or "@" in parts.netloc:
        raise ImproperlyConfigured(f"{url!r} is not an http(s) origin for the CSP.")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def store_origins(*, bucket: str, endpoint_url: str, region: str) -> list[str]:
    """The origins presigned URLs of the S3 store point to (none without a bucket).

    boto3 names the bucket in the path or in the host depending on its version and the
    bucket's name, so both forms are allowed.
    """
    if not bucket:
        return []
    if endpoint_url:
        endpoint = origin_of(endpoint_url)
        scheme, host = endpoint.split("://", 1)
        return [endpoint, f"{scheme}://{bucket.lower()}.{host}"]
    origins = [f"https://{bucket.lower()}.s3.amazonaws.com"]
    if region:
        origins += [
            f"https://{bucket.lower()}.s3.{region}.amazonaws.com",
            f"https://s3.{region}.amazonaws.com",
        ]
    return origins


def media_origins() -> list[str]:
    """The S3 store's origins, plus ENT_CSP_MEDIA_ORIGINS (a CDN in front of it, say)."""
    origins = store_origins(
        bucket=settings.S3_BUCKET, endpoint_url=settings.S3_ENDPOINT_URL, region=settings.S3_REGION
    )
    origins += [origin_of(extra) for extra in settings.ENT_CSP_MEDIA_ORIGINS]
    return list(dict.fromkeys(origins))


def content_security_policy(
    *,
    media: Iterable[str] = (),
    websocket: str | None = None,
    framing: bool = False,
    third_party: bool = False,
    style_nonce: str | None = None,
) -> str:
    media_sources = " ".join(media)
    connect = "'self'"
    if websocket:
        # 'self' covers ws(s): of the same host in current browsers only; said explicitly
        # for the others (the chat will use a WebSocket).
        connect += f" {websocket}"
    if third_party:
        styles = "'self' 'unsafe-inline'"
    elif style_nonce:
        styles = f"'self' 'nonce-{style_nonce}'"
    else:
        styles = "'self'"
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        f"style-src {styles}",
        f"img-src 'self' data: blob: {media_sources}".rstrip(),
        f"media-src 'self' blob: {media_sources}".rstrip(),
        f"connect-src {connect}",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    if third_party:
        directives.append("worker-src 'self' blob:")
    if not framing:
        directives.append("frame-ancestors 'none'")
    return "; ".join(directives)


def _websocket_origin(request: HttpRequest) -> str | None:
    """``wss://<this host>`` (``ws://`` over plain HTTP, in development)."""
    try:
        # Validated against ALLOWED_HOSTS: only a host name and a port reach the header.
        host = request.get_host()
    except DisallowedHost:
        return None
    return f"{'wss' if request.is_secure() else 'ws'}://{host}"


def _third_party_page(request: HttpRequest, response: HttpResponseBase) -> bool:
    if isinstance(getattr(response, "accepted_renderer", None), BrowsableAPIRenderer):
        return True
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name in settings.ENT_CSP_THIRD_PARTY_VIEWS


def _referrer_policy() -> str:
    value = settings.SECURE_REFERRER_POLICY or "same-origin"
    return value if isinstance(value, str) else ",".join(value)


class CspNonce:
    """``request.csp_nonce``: drawn the first time a template prints it, so that the answers of
    the pages that never need one keep a plain ``style-src 'self'``."""

    def __init__(self) -> None:
        self.value: str | None = None

    def __str__(self) -> str:
        if self.value is None:
            self.value = secrets.token_urlsafe(18)
        return self.value


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.media = media_origins()
        self.referrer_policy = _referrer_policy()
        self.opener_policy = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY or "same-origin"

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        nonce = CspNonce()
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        # A view exempted from framing (Django's xframe_options_exempt) keeps that choice.
        framing = bool(getattr(response, "xframe_options_exempt", False))
        defaults = {
            "Content-Security-Policy": content_security_policy(
                media=self.media,
                websocket=_websocket_origin(request),
                framing=framing,
                third_party=_third_party_page(request, response),
                style_nonce=nonce.value,
            ),
            "Permissions-Policy": PERMISSIONS_POLICY,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": self.referrer_policy,
            "Cross-Origin-Opener-Policy": self.opener_policy,
        }
        if not framing:
            defaults["X-Frame-Options"] = "DENY"
        for header, value in defaults.items():
            if header not in response:
                response[header] = value
        return response
