"""Provisioning a commune: its row, its domain and its schema, all or nothing."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django_tenants.utils import schema_context, schema_exists

from provisioning.template import TemplateError, current_snapshot, script_for_schema
from tenants.db import use_public_schema
from tenants.hosts import absolute_url
from tenants.hosts import commune_host as commune_domain
from tenants.models import Commune, CommuneStatus, Domain, Groupement
from tenants.validators import (
    schema_name_for_slug,
    validate_commune_slug,
    validate_insee_code,
)

log = logging.getLogger(__name__)


class ProvisioningError(Exception):
    """Bad input or a clash: one clear line for the operator; nothing was changed."""


@dataclass(frozen=True)
class ProvisionResult:
    commune: Commune
    domain: str
    created: bool
    admin_username: str | None = None
    activation_url: str | None = None


def _first_message(error: ValidationError) -> str:
    return str(error.messages[0]) if error.messages else str(error)


def _validate(*, name: str, insee: str, slug: str) -> tuple[str, str, str]:
    name = (name or "").strip()
    insee = (insee or "").strip().upper()
    slug = (slug or "").strip()
    if not name:
        raise ProvisioningError("Le nom de la commune est vide.")
    try:
        validate_insee_code(insee)
        validate_commune_slug(slug)
    except ValidationError as exc:
        raise ProvisioningError(_first_message(exc)) from exc
    return name, insee, slug


def _existing(*, name: str, insee: str, slug: str) -> Commune | None:
    """The same commune if it exists already; a clash with another one is an error."""
    by_slug = Commune.objects.filter(slug=slug).first()
    by_insee = Commune.objects.filter(insee_code=insee).first()
    if by_slug is None and by_insee is None:
        if schema_exists(schema_name_for_slug(slug)):
            raise ProvisioningError(
                f"Un schéma {schema_name_for_slug(slug)} existe déjà sans commune : "
                "vérifiez la base avant de provisionner."
            )
        return None
    if by_slug is not None and by_slug == by_insee and by_slug.name == name:
        return by_slug
    if by_slug is not None:
        raise ProvisioningError(
            f"L'identifiant « {slug} » est déjà pris par {by_slug.name} "
            f"(INSEE {by_slug.insee_code})."
        )
    if by_insee is None:  # unreachable: one of the two lookups found a row
        raise ProvisioningError(f"Conflit inattendu sur {slug} / {insee}.")
    raise ProvisioningError(
        f"Le code INSEE {insee} est déjà celui de {by_insee.name} (identifiant {by_insee.slug})."
    )


def _after_schema_created(schema_name: str) -> None:
    """Hook point between schema creation and the remaining steps (tests inject failures)."""


def provision_commune(
    *,
    name: str,
    insee: str,
    slug: str,
    admin_email: str | None = None,
    status: str = CommuneStatus.PILOT,
    groupement: Groupement | None = None,
    dry_run: bool = False,
) -> ProvisionResult:
    """Create a commune, its domain and its schema (copied from the template) atomically.

    Running it again with the same arguments finds the commune and changes nothing.
    """
    use_public_schema()
    name, insee, slug = _validate(name=name, insee=insee, slug=slug)
    if status not in CommuneStatus.values:
        raise ProvisioningError(f"Statut inconnu : {status}.")
    if admin_email is not None:
        from django.core.validators import validate_email

        try:
            validate_email(admin_email)
        except ValidationError as exc:
            raise ProvisioningError(f"Adresse électronique invalide : {admin_email}.") from exc

    existing = _existing(name=name, insee=insee, slug=slug)
    if existing is not None:
        return ProvisionResult(commune=existing, domain=commune_domain(slug), created=False)

    try:
        snapshot = current_snapshot()
    except TemplateError as exc:
        raise ProvisioningError(str(exc)) from exc

    schema = schema_name_for_slug(slug)
    commune = Commune(
        name=name,
        insee_code=insee,
        slug=slug,
        schema_name=schema,
        status=status,
        groupement=groupement,
    )
    if dry_run:
        return ProvisionResult(commune=commune, domain=commune_domain(slug), created=False)

    try:
        with transaction.atomic():
            commune.save()
            domain = Domain.objects.create(
                domain=commune_domain(slug), tenant=commune, is_primary=True
            )
            with connection.cursor() as cursor:
                cursor.execute(script_for_schema(snapshot.sql_parts, schema))
            _after_schema_created(schema)
            admin_username = activation_url = None
            if admin_email:
                from apps.accounts.services import commune_admin_create

                with schema_context(schema):
                    account = commune_admin_create(email=admin_email)
                admin_username = account.user.username
                activation_url = absolute_url(domain.domain, account.activation_path)
    except IntegrityError as exc:
        # Another provisioning of the same slug or INSEE code won the race since our checks.
        raise ProvisioningError(
            f"La commune {slug} (INSEE {insee}) vient d'être créée par ailleurs : rien n'a changé."
        ) from exc
    except ValidationError as exc:
        raise ProvisioningError(_first_message(exc)) from exc
    log.info("commune %s provisioned in schema %s", slug, schema)
    return ProvisionResult(
        commune=commune,
        domain=domain.domain,
        created=True,
        admin_username=admin_username,
        activation_url=activation_url,
    )
