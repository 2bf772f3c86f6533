"""``/pieces-jointes/<id>/``: download an attachment, for those who may see its item only.

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

from django.core.files.storage import Storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from storages.backends.s3 import S3Storage

from apps.accounts.context import request_actor
from apps.accounts.models import User
from apps.attachments.models import Attachment
from apps.attachments.selectors import attachment_for_viewer
from apps.attachments.services import STORAGE_ERRORS

logger = logging.getLogger(__name__)

# Long enough to follow the redirect on a slow school connection, short enough that a link
# pasted elsewhere is dead by the time someone opens it.
PRESIGNED_SECONDS = 60
RETRY_AFTER_SECONDS = 120
UNAVAILABLE = (
    "Les fichiers joints sont momentanément indisponibles. Réessayez dans quelques minutes."
)


def _unavailable(request: HttpRequest) -> HttpResponse:
    response = render(request, "attachments/unavailable.html", {"message": UNAVAILABLE}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _on_s3(storage: Storage) -> bool:
    return isinstance(storage, S3Storage)


def _presigned(attachment: Attachment) -> str:
    storage = attachment.file.storage
    return storage.url(  # type: ignore[call-arg]
        attachment.file.name,
        parameters={
            "ResponseContentType": attachment.content_type,
            "ResponseContentDisposition": content_disposition_header(
                True, attachment.original_name
            ),
        },
        expire=PRESIGNED_SECONDS,
    )


@never_cache
@require_GET
def download(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    if not isinstance(request.user, User):
        raise Http404
    attachment = attachment_for_viewer(request_actor(request), attachment_id)
    if attachment is None:
        raise Http404
    try:
        if _on_s3(attachment.file.storage):
            if not attachment.file.storage.exists(attachment.file.name or ""):
                logger.error("attachment %s has no object in the store", attachment.pk)
                raise Http404
            response: HttpResponseBase = HttpResponseRedirect(_presigned(attachment))
        else:
            response = FileResponse(
                attachment.file.open("rb"),
                as_attachment=True,
                filename=attachment.original_name,
                content_type=attachment.content_type,
            )
    except FileNotFoundError as error:
        logger.error("attachment %s has no file in the store", attachment.pk)
        raise Http404 from error
    except STORAGE_ERRORS:
        logger.exception("the file store is unreachable: attachment %s not served", attachment.pk)
        return _unavailable(request)
    response["X-Content-Type-Options"] = "nosniff"
    # Opened in a tab anyway, the file cannot run scripts or reach the ENT's origin.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Referrer-Policy"] = "no-referrer"
    return response
