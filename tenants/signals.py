"""Any change to a commune or a domain invalidates every process's host cache."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tenants.models import Commune, Domain
from tenants.routing import bump_version


@receiver([post_save, post_delete], sender=Commune)
@receiver([post_save, post_delete], sender=Domain)
def invalidate_routing(**kwargs: Any) -> None:
    bump_version()
