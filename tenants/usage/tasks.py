"""Nightly class counts: a public-schema beat task fans out one task per live commune.

Each per-commune task also runs in the public schema (it writes a public snapshot and reads
the commune's schema through one schema-qualified query), so a slow or broken commune
neither delays nor fails the others.
"""

from __future__ import annotations

import logging
from datetime import date

from django.utils import timezone

from config.celery import app
from tenants.models import Commune
from tenants.tasks import for_each_live_commune
from tenants.usage import services

log = logging.getLogger(__name__)


@app.task(name="usage.collect_commune_class_counts")
def collect_commune_class_counts(commune_id: int, on: str) -> dict[str, object]:
    commune = Commune.objects.get(pk=commune_id)
    snapshot = services.class_count_snapshot_record(commune=commune, on=date.fromisoformat(on))
    return {
        "commune": commune.schema_name,
        "date": on,
        "primary_classes": snapshot.primary_classes,
        "deployed_classes": snapshot.deployed_classes,
        "deployed_schools": snapshot.deployed_schools,
    }


@app.task(name="usage.collect_class_counts")
def collect_class_counts(on: str | None = None) -> list[str]:
    """Queue the count of every live commune for ``on`` (today, Europe/Paris); its schemas."""
    day = on or timezone.localdate().isoformat()
    return for_each_live_commune(collect_commune_class_counts, day, run_in="public")
