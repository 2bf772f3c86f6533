"""The groupement's zone must be one the calendar knows."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from apps.calendar.models import Zone


@register()
def school_zone(**kwargs: Any) -> list[Error]:
    zone = getattr(settings, "ENT_SCHOOL_ZONE", "")
    if zone in Zone.values:
        return []
    return [
        Error(
            f"ENT_SCHOOL_ZONE vaut « {zone} » : A, B ou C attendu (Bordeaux : A).",
            id="calendar.E001",
        )
    ]
