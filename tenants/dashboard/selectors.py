"""Reads of the groupement's dashboard: figures across the communes (public schema).

Every selector takes a ``DashboardScope``, which only ``dashboard_scope_for`` builds, from
the request's user: a coordinator's scope holds every live commune, anyone else gets none
(``DashboardAccessDenied``). An unscoped read, if one is ever needed by a maintenance
script, is to be named ``dangerously_*``: no view or API may use one (``tests/dashboard``
greps for it).

Cross-commune reads are aggregate queries (docs/architecture.md, "Beyond one machine"). The
figures of a commune come from ONE aggregate query on its schema, schema-qualified and run
from the public schema (no ``schema_context``, no row loaded into Python), and one catalog
query reads the database storage of all of them: the page costs a constant number of queries
per commune, and each figures query touches one schema, which Citus can route.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone

from apps.accounts.models import Profile, User
from apps.french import formatting
from apps.schools.counts import school_counts_params, school_counts_sql
from tenants.models import Commune, CommuneStatus
from tenants.permissions import is_coordinator
from tenants.selectors import live_communes
from tenants.usage.models import ClassCountCorrection, ClassCountSnapshot
from tenants.usage.sharing import CostShare, share_costs

ACTIVITY_WINDOWS = (7, 30)


class DashboardAccessDenied(Exception):
    """The user may not read the groupement's figures (views answer 404)."""


@dataclass(frozen=True)
class DashboardScope:
    """The communes whose figures a user may read. Only ``dashboard_scope_for`` builds one."""

    communes: tuple[Commune, ...]
    _token: object = field(repr=False)

    @property
    def commune_ids(self) -> list[int]:
        return [commune.pk for commune in self.communes]


_TOKEN = object()


def _live_communes() -> list[Commune]:
    return list(live_communes().order_by("name", "slug"))


def dashboard_scope_for(*, user: User | AnonymousUser) -> DashboardScope:
    """A coordinator's scope (every live commune, one query); anyone else is refused."""
    # The second factor is enforced before any view runs (``AccountSecurityMiddleware``): a
    # coordinator's session that has not verified one never reaches a dashboard page or API.
    if not is_coordinator(user):
        raise DashboardAccessDenied("Réservé aux coordinateurs du groupement.")
    return DashboardScope(communes=tuple(_live_communes()), _token=_TOKEN)


def _check(scope: DashboardScope) -> None:
    if not isinstance(scope, DashboardScope) or scope._token is not _TOKEN:
        raise TypeError("a DashboardScope built by dashboard_scope_for is required")


# --- figures of one commune, one aggregate query -------------------------------------------

# {schema} is quoted by the connection; everything else is a bound parameter. The schools
# and classes are counted by the schools app's query ({school_counts}), a subquery here so
# that a commune's figures stay one query.
_FIGURES_SQL = """
SELECT
    k.schools, k.deployed_schools, k.classes, k.deployed_classes,
    (SELECT coalesce(jsonb_object_agg(u.profile, jsonb_build_array(u.short, u.long)), '{{}}')::text
        FROM (
            SELECT profile,
                   count(*) FILTER (WHERE last_login >= %(short)s) AS short,
                   count(*) AS long
            FROM {schema}.accounts_user
            WHERE is_active AND last_login >= %(long)s
            GROUP BY profile
        ) AS u) AS active_accounts,
    (SELECT coalesce(sum(size), 0) FROM {schema}.attachments_attachment) AS files_bytes
FROM ({school_counts}) AS k
"""

# Storage is the database storage of the schemas (tables with their indexes and TOAST), read
# in the catalog for every commune of the scope at once: pg_class has no index on the
# namespace alone, so a catalog query per commune would scan it once per commune (quadratic
# in the number of schemas). Files (S3) are counted from the attachments' recorded sizes in
# the figures query: listing a bucket would cost one request per thousand objects.
_STORAGE_SQL = """
SELECT n.nspname, coalesce(sum(pg_total_relation_size(t.oid)), 0)
FROM pg_catalog.pg_class AS t
JOIN pg_catalog.pg_namespace AS n ON n.oid = t.relnamespace
WHERE n.nspname = ANY(%s) AND t.relkind IN ('r', 'm')
GROUP BY n.nspname
"""


@dataclass(frozen=True)
class CommuneFigures:
    slug: str
    name: str
    insee_code: str
    status: str
    status_label: str
    schools_total: int
    schools_deployed: int
    classes_total: int  # classes of the current school year
    classes_deployed: int
    # profile → accounts that logged in during the last 7 / 30 days (counts only).
    active_7_days: dict[str, int]
    active_30_days: dict[str, int]
    storage_bytes: int  # database storage (tables, indexes, TOAST)
    files_bytes: int  # files stored for the commune (attachments), as recorded on upload

    @property
    def active_7_total(self) -> int:
        return sum(self.active_7_days.values())

    @property
    def active_30_total(self) -> int:
        return sum(self.active_30_days.values())

    def active_by_profile(self) -> list[tuple[str, str, int, int]]:
        """(profile, label, last 7 days, last 30 days) for every profile, in the enum order."""
        return [
            (
                str(profile.value),
                str(profile.label),
                self.active_7_days.get(profile.value, 0),
                self.active_30_days.get(profile.value, 0),
            )
            for profile in Profile
        ]


def _storage_read(communes: Sequence[Commune]) -> dict[str, int]:
    """Schema name → database storage in bytes, for all ``communes`` in one catalog query."""
    if not communes:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_STORAGE_SQL, [[commune.schema_name for commune in communes]])
        return {schema: int(size) for schema, size in cursor.fetchall()}


def _figures_read(
    commune: Commune, *, now: datetime.datetime, storage: dict[str, int]
) -> CommuneFigures:
    sql = _FIGURES_SQL.format(
        schema=connection.ops.quote_name(commune.schema_name),
        school_counts=school_counts_sql(commune.schema_name),
    )
    params: dict[str, Any] = {
        **school_counts_params(),
        "short": now - datetime.timedelta(days=ACTIVITY_WINDOWS[0]),
        "long": now - datetime.timedelta(days=ACTIVITY_WINDOWS[1]),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (
            schools_total,
            schools_deployed,
            classes_total,
            classes_deployed,
            active,
            files_bytes,
        ) = cursor.fetchone()
    active = json.loads(active)
    return CommuneFigures(
        slug=commune.slug,
        name=commune.name,
        insee_code=commune.insee_code,
        status=commune.status,
        status_label=str(CommuneStatus(commune.status).label),
        schools_total=schools_total,
        schools_deployed=schools_deployed,
        classes_total=classes_total,
        classes_deployed=classes_deployed,
        active_7_days={profile: int(counts[0]) for profile, counts in active.items()},
        active_30_days={profile: int(counts[1]) for profile, counts in active.items()},
        storage_bytes=storage.get(commune.schema_name, 0),
        files_bytes=int(files_bytes),
    )


def commune_figures_list(
    *, scope: DashboardScope, now: datetime.datetime | None = None
) -> list[CommuneFigures]:
    """The figures of every commune of the scope: one aggregate query per commune, plus one
    catalog query for the storage of them all."""
    _check(scope)
    return _figures_of(scope.communes, now=now or timezone.now())


def _figures_of(communes: Sequence[Commune], *, now: datetime.datetime) -> list[CommuneFigures]:
    storage = _storage_read(communes)
    return [_figures_read(commune, now=now, storage=storage) for commune in communes]


def commune_get(*, scope: DashboardScope, slug: str) -> Commune:
    """A commune of the scope; ``Commune.DoesNotExist`` alike for missing and out of scope."""
    _check(scope)
    for commune in scope.communes:
        if commune.slug == slug:
            return commune
    raise Commune.DoesNotExist(slug)


def commune_figures_get(
    *, scope: DashboardScope, slug: str, now: datetime.datetime | None = None
) -> CommuneFigures:
    commune = commune_get(scope=scope, slug=slug)
    return _figures_of([commune], now=now or timezone.now())[0]


# --- deployment over time, from the snapshots ------------------------------------------------


@dataclass(frozen=True)
class DeploymentHistory:
    dates: list[datetime.date]
    total: list[int]  # deployed classes of the scope's communes, summed, per date
    per_commune: dict[str, list[int]]  # commune name → deployed classes per date


def deployment_history(
    *, scope: DashboardScope, commune_slug: str | None = None
) -> DeploymentHistory:
    """Deployed classes by snapshot date (one query). A commune with no snapshot on a date
    keeps its previous figure (0 before its first snapshot), as hosting is billed."""
    _check(scope)
    communes = scope.communes
    if commune_slug is not None:
        communes = (commune_get(scope=scope, slug=commune_slug),)
    names = {commune.pk: commune.name for commune in communes}
    rows = (
        ClassCountSnapshot.objects.filter(commune_id__in=list(names))
        .order_by("date")
        .values_list("commune_id", "date", "deployed_classes")
    )
    by_commune: dict[int, dict[datetime.date, int]] = defaultdict(dict)
    dates: set[datetime.date] = set()
    for commune_id, day, deployed in rows:
        by_commune[commune_id][day] = deployed
        dates.add(day)
    ordered = sorted(dates)
    per_commune: dict[str, list[int]] = {}
    for commune_id, name in names.items():
        if commune_id not in by_commune:
            continue
        current = 0
        series = []
        for day in ordered:
            current = by_commune[commune_id].get(day, current)
            series.append(current)
        per_commune[name] = series
    total = [sum(series[i] for series in per_commune.values()) for i in range(len(ordered))]
    return DeploymentHistory(dates=ordered, total=total, per_commune=per_commune)


# --- cost sharing ----------------------------------------------------------------------------


class NoSnapshotError(ValueError):
    """No class count snapshot on the reference date: there is nothing to share on."""


@dataclass(frozen=True)
class CostSharingRow:
    name: str
    share: CostShare


def cost_sharing(
    *, scope: DashboardScope, amount_ht: Decimal, vat_rate: Decimal, on: datetime.date
) -> list[CostSharingRow]:
    """``amount_ht`` (``vat_rate`` a percent, 20.00) shared pro rata to the primary classes
    of the scope's communes in their snapshots of ``on`` (one query).

    Raises ``NoSnapshotError`` when no commune has a snapshot that day, and
    ``tenants.usage.sharing.NoClassesToShareError`` when they all count zero classes.
    """
    _check(scope)
    names = {commune.insee_code: commune.name for commune in scope.communes}
    counts = dict(
        ClassCountSnapshot.objects.filter(date=on, commune_id__in=scope.commune_ids).values_list(
            "commune__insee_code", "primary_classes"
        )
    )
    if not counts:
        raise NoSnapshotError(
            f"aucun relevé des classes le {formatting.date_courte(on)} : "
            "choisissez une date de relevé"
        )
    shares = share_costs(amount_ht=amount_ht, vat_rate=vat_rate, class_counts=counts)
    return [CostSharingRow(name=names[share.insee_code], share=share) for share in shares]


def snapshot_dates(*, scope: DashboardScope, limit: int = 20) -> list[datetime.date]:
    """The latest snapshot dates of the scope's communes, newest first (for the form)."""
    _check(scope)
    return list(
        ClassCountSnapshot.objects.filter(commune_id__in=scope.commune_ids)
        .order_by("-date")
        .values_list("date", flat=True)
        .distinct()[:limit]
    )


# --- class-count snapshots and their corrections, for the drill-down ------------------------


def snapshot_list(*, scope: DashboardScope, slug: str, limit: int = 10) -> list[ClassCountSnapshot]:
    """The latest snapshots of one commune of the scope, newest first (one query)."""
    commune = commune_get(scope=scope, slug=slug)
    return list(ClassCountSnapshot.objects.filter(commune=commune).order_by("-date")[:limit])


def snapshot_get(*, scope: DashboardScope, slug: str, on: datetime.date) -> ClassCountSnapshot:
    """The snapshot of ``on`` of a commune of the scope; ``ClassCountSnapshot.DoesNotExist``
    alike for a missing snapshot and a commune out of scope."""
    try:
        commune = commune_get(scope=scope, slug=slug)
    except Commune.DoesNotExist:
        raise ClassCountSnapshot.DoesNotExist(slug) from None
    return ClassCountSnapshot.objects.select_related("commune").get(commune=commune, date=on)


def correction_trail(
    *, scope: DashboardScope, slug: str, limit: int = 100
) -> list[ClassCountCorrection]:
    """The corrections of one commune's snapshots, newest first, with their snapshot (one
    query): who changed which figure of which day, from what to what, and why."""
    commune = commune_get(scope=scope, slug=slug)
    return list(
        ClassCountCorrection.objects.filter(snapshot__commune=commune)
        .select_related("snapshot")
        .order_by("-corrected_at", "-pk")[:limit]
    )
