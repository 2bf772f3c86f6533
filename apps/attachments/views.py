"""``/pieces-jointes/<id>/``: download an attachment, for those who may see its item only;
``?largeur=480`` gives a photo's rendition for that width (``apps.attachments.renditions``).

Anyone else — another class's parent, a pupil for a draft, an anonymous visitor, a session of
another commune (anonymous here) — gets the same 404 as for an id that does not exist.

On the filesystem (development) the file is streamed by Django. On S3 the answer is a redirect
to a presigned URL that lives ``PRESIGNED_SECONDS``: the web tier stays free of 20 MB videos
(and the store serves the byte ranges video players ask for), and the check above runs on
every click, since a copied link soon stops working. The presigned URL names the file's type
and ``attachment`` disposition itself, and the store is another origin than the commune's
host, so what it serves never runs with the ENT's cookies.

While the store is out of reach the answer is a 503 with Retry-After and a French sentence,
not a link that would fail in the browser: on S3 the object is looked up (one HEAD) before
the link is given, which also tells a missing object (404) from an unreachable store.
"""

from __future__ import annotations

import logging

from django.core.files.storage import Storage, default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from storages.backends.s3 import S3Storage

from apps.accounts.context import request_actor
from apps.accounts.models import User
from apps.attachments.renditions import (
    RENDITION_CONTENT_TYPE,
    RENDITION_EXTENSION,
    WIDTH_PARAMETER,
)
from apps.attachments.selectors import attachment_for_viewer, nearest_rendition
from apps.attachments.services import STORAGE_ERRORS
from apps.dates import InvalidQueryParameter
from apps.numbers import whole_number

logger = logging.getLogger(__name__)

# Long enough to follow the redirect on a slow school connection, short enough that a link
# pasted elsewhere is dead by the time someone opens it.
PRESIGNED_SECONDS = 60
RETRY_AFTER_SECONDS = 120
BAD_WIDTH = (
    "Largeur d'image invalide : indiquez un nombre entier de pixels, par exemple ?largeur=480."
)
UNAVAILABLE = (
    "Les fichiers joints sont momentanément indisponibles. Réessayez dans quelques minutes."
)


def _unavailable(request: HttpRequest) -> HttpResponse:
    response = render(request, "attachments/unavailable.html", {"message": UNAVAILABLE}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _on_s3(storage: Storage) -> bool:
    return isinstance(storage, S3Storage)


def _presigned(storage: Storage, name: str, content_type: str, disposition: str) -> str:
    return storage.url(  # type: ignore[call-arg]
        name,
        parameters={
            "ResponseContentType": content_type,
            "ResponseContentDisposition": disposition,
        },
        expire=PRESIGNED_SECONDS,
    )


def _protected(response: HttpResponseBase) -> HttpResponseBase:
    response["X-Content-Type-Options"] = "nosniff"
    # Opened in a tab anyway, the file cannot run scripts or reach the ENT's origin.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _width_asked(request: HttpRequest) -> int | None:
    """``?largeur=480``: the width a page shows a photo at (None: the original). Read before
    anything is looked up, so that a bad value tells nothing of the file."""
    if WIDTH_PARAMETER not in request.GET:
        return None
    width = whole_number(request.GET[WIDTH_PARAMETER])
    if not width:
        raise InvalidQueryParameter(BAD_WIDTH)
    return width


@never_cache
@require_GET
def download(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    """The attachment, or with ``?largeur=`` the narrowest of its renditions at least that
    wide (its original when none is): the same check either way."""
    width = _width_asked(request)
    if not isinstance(request.user, User):
        raise Http404
    attachment = attachment_for_viewer(
        request_actor(request), attachment_id, with_renditions=width is not None
    )
    if attachment is None:
        raise Http404
    rendition = (
        nearest_rendition(list(attachment.renditions.all()), width) if width is not None else None
    )
    if rendition is not None:
        name, content_type = rendition.name, RENDITION_CONTENT_TYPE
        stem = attachment.original_name.rpartition(".")[0] or attachment.original_name
        # Our own WebP, shown in the page rather than saved: inline.
        filename = f"{stem}-{rendition.width}.{RENDITION_EXTENSION}"
        disposition = content_disposition_header(False, filename) or "inline"
    else:
        name, content_type = str(attachment.file.name), attachment.content_type
        disposition = content_disposition_header(True, attachment.original_name) or "attachment"
    try:
        storage = attachment.file.storage
        if _on_s3(storage):
            if not storage.exists(name):
                logger.error("attachment %s has no object %s in the store", attachment.pk, name)
                raise Http404
            response: HttpResponseBase = HttpResponseRedirect(
                _presigned(storage, name, content_type, disposition)
            )
        else:
            response = FileResponse(storage.open(name, "rb"), content_type=content_type)
            response["Content-Disposition"] = disposition
    except FileNotFoundError as error:
        logger.error("attachment %s has no file %s in the store", attachment.pk, name)
        raise Http404 from error
    except STORAGE_ERRORS:
        logger.exception("the file store is unreachable: attachment %s not served", attachment.pk)
        return _unavailable(request)
    return _protected(response)


def serve_stored(request: HttpRequest, name: str, content_type: str) -> HttpResponseBase:
    """The stored object ``name`` streamed from the web tier (on S3 too: a public page then
    carries no link to the store, and a rendition is small), for a view that has decided who
    may see it; ``apps.attachments.selectors.rendition_for`` gives ``name`` and
    ``content_type`` for a photo of a public item. 404 for a missing object, 503 (Retry-After)
    while the store is out of reach. Caching is the caller's choice: a photo taken down
    (consent withdrawn) must not outlive it in a shared cache."""
    try:
        response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    except FileNotFoundError as error:
        raise Http404 from error
    except STORAGE_ERRORS:
        logger.exception("the file store is unreachable: %s not served", name)
        return _unavailable(request)
    return _protected(response)
