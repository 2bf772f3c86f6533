from __future__ import annotations

from django.http import HttpRequest

from tenants.hosts import absolute_url, commune_host, groupement_host, request_commune


def commune(request: HttpRequest) -> dict[str, object]:
    return {
        "commune": request_commune(request),
        # What a commune's address looks like, for the 404 page's hint.
        "example_commune_host": commune_host("bordeaux"),
        # The groupement's own site, with the port the visitor used (the 404 page links it).
        "groupement_url": absolute_url(groupement_host(), "/", request),
    }
