"""Collecting the communes' class counts, and correcting them (public schema).

The collection never enters a commune's schema through ``schema_context`` and never loads
a school or a class into Python: one aggregate query per commune, schema-qualified, reads
the three figures. Only live communes are counted (pilot, deploying, active); a suspended or
archived commune keeps its last snapshots, and the template schema has no Commune row.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from apps.schools.models import DEPLOYED_STATUSES
from tenants.models import LIVE_STATUSES, Commune
from tenants.usage.models import COUNT_FIELDS, ClassCountCorrection, ClassCountSnapshot

log = logging.getLogger(__name__)

# {schema} is quoted by the connection; the statuses are bound parameters. A deployed school
# with no class this year still counts as a deployed school (hence the LEFT JOINs).
_COUNT_SQL = """
SELECT
    count(c.id) FILTER (WHERE y.is_current) AS primary_classes,
    count(c.id) FILTER (
        WHERE y.is_current AND s.deployment_status = ANY(%s)
    ) AS deployed_classes,
    count(DISTINCT s.id) FILTER (WHERE s.deployment_status = ANY(%s)) AS deployed_schools
FROM {schema}.schools_school AS s
LEFT JOIN {schema}.schools_classroom AS c ON c.school_id = s.id
LEFT JOIN {schema}.schools_schoolyear AS y ON y.id = c.year_id
"""


@dataclass(frozen=True)
class ClassCounts:
    primary_classes: int
    deployed_classes: int
    deployed_schools: int


def live_communes() -> list[Commune]:
    return list(
        Commune.objects.filter(status__in=LIVE_STATUSES)
        .exclude(schema_name__in=[get_public_schema_name(), settings.ENT_TEMPLATE_SCHEMA])
        .order_by("schema_name")
    )


def class_counts_read(*, schema_name: str) -> ClassCounts:
    """The three figures of one commune's schema, in a single aggregate query."""
    deployed = [str(status) for status in DEPLOYED_STATUSES]
    sql = _COUNT_SQL.format(schema=connection.ops.quote_name(schema_name))
    with connection.cursor() as cursor:
        cursor.execute(sql, [deployed, deployed])
        primary, deployed_classes, deployed_schools = cursor.fetchone()
    return ClassCounts(
        primary_classes=primary,
        deployed_classes=deployed_classes,
        deployed_schools=deployed_schools,
    )


@transaction.atomic
def class_count_snapshot_record(*, commune: Commune, on: date) -> ClassCountSnapshot:
    """Count ``commune``'s classes now and record them as its snapshot of ``on``.

    Collecting the same day again refreshes the figures, unless the coordinator has
    corrected that snapshot: a correction is never silently overwritten.
    """
    if commune.status not in LIVE_STATUSES or commune.schema_name in (
        get_public_schema_name(),
        settings.ENT_TEMPLATE_SCHEMA,
    ):
        raise ValueError(
            f"{commune.schema_name} is not a live commune: its classes are not counted"
        )
    existing = (
        ClassCountSnapshot.objects.select_for_update().filter(commune=commune, date=on).first()
    )
    if existing is not None and existing.corrections.exists():
        log.info("snapshot %s %s was corrected: kept as is", commune.schema_name, on)
        return existing
    counts = class_counts_read(schema_name=commune.schema_name)
    snapshot, _ = ClassCountSnapshot.objects.update_or_create(
        commune=commune,
        date=on,
        defaults={
            "primary_classes": counts.primary_classes,
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
) -> ClassCountCorrection:
    """The coordinator sets one figure of a snapshot, with a reason kept in the audit trail."""
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
    return correction
