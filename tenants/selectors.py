"""Reads of public-schema data about communes."""

from __future__ import annotations

from dataclasses import dataclass

from tenants.models import Commune, Domain


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
