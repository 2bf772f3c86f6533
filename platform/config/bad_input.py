"""Requests carrying characters no page expects are refused before any view runs.

A NUL byte in a search (``?q=%00``), an invoice number or any value that reaches a query makes
psycopg raise ``ValueError`` ("A string literal cannot contain NUL"): a 500 wherever a view
forgot to check. Other control characters are never typed by a person in a URL either, and
invalid UTF-8 in the URL is Django's to paper over (it re-escapes the path and puts U+FFFD in
the query): neither can name anything, so all of them get one French 400 here, for every view
of both URLconfs. In form bodies, tab, newline and carriage return are ordinary text (a
textarea sends CR LF); every other control character is refused.

The middleware also turns :class:`apps.dates.InvalidQueryParameter` (a date in a query string
that a page cannot use) into the same 400 page with its message, or JSON for the API.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import unquote_to_bytes

from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from apps.dates import InvalidQueryParameter

Handler = Callable[[HttpRequest], HttpResponse]

# C0 controls and DEL anywhere in a URL; in form values, all but tab, LF and CR.
_URL_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_FORM_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A byte of invalid UTF-8 as Django re-escapes it in the path.
_REESCAPED = re.compile(r"%[89a-fA-F][0-9a-fA-F]")

URL_REFUSED = "Adresse invalide : elle contient des caractères qui ne peuvent pas y figurer."
FORM_REFUSED = (
    "Formulaire refusé : un champ contient des caractères de contrôle qui ne peuvent pas être "
    "enregistrés. Retirez-les (souvent un copier-coller) et recommencez."
)


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    """The French 400 answer: JSON ``{"detail": …}`` under ``/api/``, a page elsewhere.

    Not named 400.html: Django's own handler would pick that up for a bad Host header, whose
    page cannot be drawn with the site's frame (its links need a valid host)."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "bad_request.html", {"message": message}, status=400)


def _raw_query(request: HttpRequest) -> bytes:
    """The query string as the client sent it: a WSGI server hands it over as bytes decoded as
    ISO-8859-1 (PEP 3333), an ASGI one as ASCII (Django decodes it)."""
    value = request.META.get("QUERY_STRING", "")
    if isinstance(request, WSGIRequest):
        return value.encode("iso-8859-1", errors="replace")
    return value.encode("utf-8", errors="surrogateescape")


def url_is_clean(request: HttpRequest) -> bool:
    # The path: Django has already decoded it and re-escaped the bytes that were not UTF-8
    # ("%C3(" for %C3%28); no URL of the ENT has a "%" of its own.
    path = request.path_info
    if _URL_CONTROL.search(path) or _REESCAPED.search(path):
        return False
    query = unquote_to_bytes(_raw_query(request).replace(b"+", b" "))
    try:
        text = query.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not _URL_CONTROL.search(text)


def _texts(request: HttpRequest) -> Iterable[str]:
    for key, values in request.POST.lists():
        yield key
        yield from values
    for key, files in request.FILES.lists():
        yield key
        yield from (uploaded.name or "" for uploaded in files)


def form_is_clean(request: HttpRequest) -> bool:
    # Only form bodies: Django parses nothing else into POST (the API's JSON has its own
    # checks, DRF's CharField refuses NUL), and reading it here is what CSRF does anyway.
    if request.method != "POST" or request.content_type not in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        return True
    return not any(_FORM_CONTROL.search(text) for text in _texts(request))


class BadInputMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not url_is_clean(request):
            return bad_request(request, URL_REFUSED)
        if not form_is_clean(request):
            return bad_request(request, FORM_REFUSED)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, InvalidQueryParameter):
            return bad_request(request, exception.message)
        return None
