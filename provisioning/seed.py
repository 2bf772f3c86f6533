"""Seeding a groupement from a YAML file: every commune listed, provisioned from the template."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from provisioning.services import ProvisioningError, ProvisionResult, _validate, provision_commune
from tenants.models import CommuneStatus, Groupement


@dataclass(frozen=True)
class CommuneSpec:
    name: str
    insee: str
    slug: str
    status: str


@dataclass(frozen=True)
class GroupementSpec:
    name: str
    coordinator: str
    communes: list[CommuneSpec]


def load_groupement_file(path: Path) -> GroupementSpec:
    """Parse and check the whole file before anything is provisioned."""
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProvisioningError(f"Fichier illisible : {path} ({exc.strerror}).") from exc
    except yaml.YAMLError as exc:
        raise ProvisioningError(f"YAML invalide dans {path} : {exc}.") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("communes"), list):
        raise ProvisioningError(f"{path} : une liste « communes » est attendue.")
    group = raw.get("groupement") or {}
    communes: list[CommuneSpec] = []
    slugs: set[str] = set()
    insees: set[str] = set()
    for index, item in enumerate(raw["communes"], start=1):
        if not isinstance(item, dict):
            raise ProvisioningError(f"{path} : commune n°{index} mal formée.")
        try:
            name, insee, slug = _validate(
                name=str(item.get("name", "")),
                insee=str(item.get("insee", "")),
                slug=str(item.get("slug", "")),
            )
        except ProvisioningError as exc:
            raise ProvisioningError(f"{path} : commune n°{index} : {exc}") from exc
        status = str(item.get("status", CommuneStatus.PILOT))
        if status not in CommuneStatus.values:
            raise ProvisioningError(f"{path} : commune n°{index} : statut inconnu {status}.")
        if slug in slugs or insee in insees:
            raise ProvisioningError(f"{path} : commune n°{index} ({name}) en double.")
        slugs.add(slug)
        insees.add(insee)
        communes.append(CommuneSpec(name=name, insee=insee, slug=slug, status=status))
    coordinator = str(group.get("coordinator", ""))
    if coordinator and coordinator not in slugs:
        raise ProvisioningError(
            f"{path} : la commune coordinatrice {coordinator} n'est pas listée."
        )
    return GroupementSpec(
        name=str(group.get("name") or "Groupement ENT"), coordinator=coordinator, communes=communes
    )


def seed_groupement(
    spec: GroupementSpec, *, on_progress: Callable[[ProvisionResult], None] | None = None
) -> list[ProvisionResult]:
    with transaction.atomic():
        groupement, _ = Groupement.objects.get_or_create(name=spec.name)
    results = []
    for commune in spec.communes:
        result = provision_commune(
            name=commune.name,
            insee=commune.insee,
            slug=commune.slug,
            status=commune.status,
            groupement=groupement,
        )
        results.append(result)
        if on_progress:
            on_progress(result)
    coordinator = next((r.commune for r in results if r.commune.slug == spec.coordinator), None)
    if coordinator is not None and groupement.coordinator_id != coordinator.pk:
        groupement.coordinator = coordinator
        groupement.save(update_fields=["coordinator"])
    return results
