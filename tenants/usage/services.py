"""Collecting the communes' class counts, and correcting them (public schema).

The collection never enters a commune's schema through ``schema_context`` and never loads
a school or a class into Python: one aggregate query per commune, schema-qualified, reads
the three figures. Only live communes are counted (pilot, deploying, active); a suspended or
archived commune keeps its last snapshots, and the template schema has no Commune row.
"""

from __future__ import annotations

import logging
from datetime import date

from django.db import transaction
from django.utils import timezone

from apps.schools.counts import school_counts
from tenants.audited import Requester, audit
from tenants.models import Commune
from tenants.selectors import is_live_commune, live_communes
from tenants.usage.models import COUNT_FIELDS, ClassCountCorrection, ClassCountSnapshot

log = logging.getLogger(__name__)


@transaction.atomic
def class_count_snapshot_record(*, commune: Commune, on: date) -> ClassCountSnapshot:
    """Count ``commune``'s classes now and record them as its snapshot of ``on``.

    Collecting the same day again refreshes the figures, unless the coordinator has
    corrected that snapshot: a correction is never silently overwritten.
    """
    if not is_live_commune(commune):
        raise ValueError(
            f"{commune.schema_name} is not a live commune: its classes are not counted"
        )
    existing = (
        ClassCountSnapshot.objects.select_for_update().filter(commune=commune, date=on).first()
    )
    if existing is not None and existing.corrections.exists():
        log.info("snapshot %s %s was corrected: kept as is", commune.schema_name, on)
        return existing
    # One schema-qualified aggregate query (apps.schools.counts), from the public schema.
    counts = school_counts(schema_name=commune.schema_name)
    snapshot, _ = ClassCountSnapshot.objects.update_or_create(
        commune=commune,
        date=on,
        defaults={
            "primary_classes": counts.classes,
            "deployed_classes": counts.deployed_classes,
            "deployed_schools": counts.deployed_schools,
            "collected_at": timezone.now(),
        },
    )
    return snapshot


@transaction.atomic
def class_count_snapshot_stop(*, commune: Commune, on: date) -> ClassCountSnapshot:
    """Record that ``commune`` deploys nothing from ``on`` on: its service stopped that day.

    Called when a commune leaves the live statuses. Its schema is not read: the primary
    classes are kept from its last snapshot (a shared cost referring to that day still finds
    them), deployed classes and schools go to 0, so that hosting carried forward from this
    snapshot stops on ``on``. A snapshot the nightly collection already took that day gets
    its deployed figures set to 0 as well, corrected or not: the commune is not served.
    """
    existing = (
        ClassCountSnapshot.objects.select_for_update().filter(commune=commune, date=on).first()
    )
    if existing is not None:
        existing.deployed_classes = existing.deployed_schools = 0
        existing.collected_at = timezone.now()
        existing.save(update_fields=["deployed_classes", "deployed_schools", "collected_at"])
        return existing
    last = (
        ClassCountSnapshot.objects.filter(commune=commune, date__lt=on)
        .order_by("-date")
        .only("primary_classes")
        .first()
    )
    return ClassCountSnapshot.objects.create(
        commune=commune,
        date=on,
        primary_classes=last.primary_classes if last is not None else 0,
        deployed_classes=0,
        deployed_schools=0,
    )


def class_counts_collect(*, on: date | None = None) -> list[ClassCountSnapshot]:
    """Every live commune's snapshot of ``on`` (today in Europe/Paris by default).

    One transaction per commune: a commune whose schema cannot be read does not stop the
    others (the error is logged and the commune is left out).
    """
    day = on or timezone.localdate()
    snapshots = []
    for commune in live_communes():
        try:
            snapshots.append(class_count_snapshot_record(commune=commune, on=day))
        except Exception:
            log.exception("class count of %s failed", commune.schema_name)
    return snapshots


@transaction.atomic
def class_count_correct(
    *,
    snapshot: ClassCountSnapshot,
    field: str,
    new_value: int,
    reason: str,
    corrected_by_id: int | None,
    corrected_by_name: str,
    by: Requester | None = None,
) -> ClassCountCorrection:
    """The coordinator sets one figure of a snapshot, with a reason kept in the audit trail
    (and, given ``by``, in the public schema's audit log)."""
    if field not in COUNT_FIELDS:
        raise ValueError(f"unknown figure {field!r}; expected one of {', '.join(COUNT_FIELDS)}")
    if new_value < 0:
        raise ValueError("a class count cannot be negative")
    if not reason.strip():
        raise ValueError("a correction needs a reason")
    locked = ClassCountSnapshot.objects.select_for_update().get(pk=snapshot.pk)
    old_value = getattr(locked, field)
    setattr(locked, field, new_value)
    locked.save(update_fields=[field])
    correction = ClassCountCorrection.objects.create(
        snapshot=locked,
        field=field,
        old_value=old_value,
        new_value=new_value,
        reason=reason.strip(),
        corrected_by_id=corrected_by_id,
        corrected_by_name=corrected_by_name,
    )
    setattr(snapshot, field, new_value)
    audit(
        by,
        "usage.class_count_corrected",
        f"{snapshot.commune.slug} {snapshot.date:%Y-%m-%d}",
        field=correction.field,
        old_value=correction.old_value,
        new_value=correction.new_value,
        reason=correction.reason,
    )
    return correction
