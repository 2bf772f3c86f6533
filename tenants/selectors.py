"""Reads of public-schema data about communes."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django_tenants.utils import get_public_schema_name

from tenants.models import LIVE_STATUSES, Commune, Domain


def non_commune_schemas() -> tuple[str, str]:
    """The schemas that are no commune's: the public one and the provisioning template (which
    is migrated like a commune but has no ``Commune`` row)."""
    return (get_public_schema_name(), settings.ENT_TEMPLATE_SCHEMA)


def is_commune_schema(schema_name: str) -> bool:
    return schema_name not in non_commune_schemas()


def communes() -> QuerySet[Commune]:
    """Every commune, whatever its status, never a schema that is no commune's."""
    return Commune.objects.exclude(schema_name__in=non_commune_schemas())


def live_communes() -> QuerySet[Commune]:
    """The communes that are served (pilot, deploying, active), by schema name: those the
    nightly tasks visit, the dashboard shows and shared costs are split among."""
    return communes().filter(status__in=LIVE_STATUSES).order_by("schema_name")


def is_live_commune(commune: Commune) -> bool:
    return commune.is_live and is_commune_schema(commune.schema_name)


@dataclass(frozen=True)
class CommuneListing:
    name: str
    slug: str
    insee_code: str
    status: str
    status_label: str
    schema_name: str
    domain: str | None


def commune_listing() -> list[CommuneListing]:
    """Every commune (never the provisioning template, which has no row) with its domain."""
    primary = {
        tenant_id: domain
        for tenant_id, domain in Domain.objects.filter(is_primary=True).values_list(
            "tenant_id", "domain"
        )
    }
    return [
        CommuneListing(
            name=commune.name,
            slug=commune.slug,
            insee_code=commune.insee_code,
            status=commune.status,
            status_label=commune.get_status_display(),
            schema_name=commune.schema_name,
            domain=primary.get(commune.pk),
        )
        for commune in Commune.objects.order_by("name")
    ]
