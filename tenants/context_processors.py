from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from tenants.hosts import absolute_url, groupement_host


def commune(request: HttpRequest) -> dict[str, object]:
    return {
        "commune": getattr(request, "commune", None),
        "ent_base_domain": settings.ENT_BASE_DOMAIN,
        # The groupement's own site, with the port the visitor used (the 404 page links it).
        "groupement_url": absolute_url(groupement_host(), "/", request),
    }
