from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def commune(request: HttpRequest) -> dict[str, object]:
    return {
        "commune": getattr(request, "commune", None),
        "ent_base_domain": settings.ENT_BASE_DOMAIN,
    }
