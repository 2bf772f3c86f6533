"""provision_commune: create a commune, its domain and its schema in one transaction."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from provisioning.services import ProvisioningError, provision_commune
from tenants.models import CommuneStatus


class Command(BaseCommand):
    help = "Provisionne une commune : ligne, domaine et schéma copié du schéma modèle."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="Nom de la commune")
        parser.add_argument("--insee", required=True, help="Code INSEE (ex. 33063)")
        parser.add_argument("--slug", required=True, help="Sous-domaine (ex. bordeaux)")
        parser.add_argument("--admin-email", help="Premier administrateur de la commune")
        parser.add_argument("--status", default=CommuneStatus.PILOT, choices=CommuneStatus.values)
        parser.add_argument("--dry-run", action="store_true", help="Vérifier sans rien créer")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            result = provision_commune(
                name=options["name"],
                insee=options["insee"],
                slug=options["slug"],
                admin_email=options.get("admin_email"),
                status=options["status"],
                dry_run=options["dry_run"],
            )
        except ProvisioningError as exc:
            raise CommandError(str(exc)) from exc
        elapsed_ms = (time.perf_counter() - started) * 1000
        commune = result.commune
        if options["dry_run"] and not result.created and commune.pk is None:
            self.stdout.write(
                f"[simulation] {commune.name} (INSEE {commune.insee_code}) serait créée "
                f"dans le schéma {commune.schema_name}, servie sur {result.domain}."
            )
            return
        if not result.created:
            self.stdout.write(
                f"La commune {commune.name} existe déjà ({result.domain}) : rien n'a changé."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{commune.name} provisionnée : schéma {commune.schema_name}, "
                f"{result.domain} ({elapsed_ms:.0f} ms)."
            )
        )
        if result.activation_url:
            self.stdout.write(
                f"Administrateur {result.admin_username} — lien d'activation (à usage unique, "
                f"affiché une seule fois) : {result.activation_url}"
            )
