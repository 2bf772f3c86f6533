"""list_communes: the groupement's communes as a table (or their URLs, one per line)."""

from __future__ import annotations

from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.table import Table

from provisioning.services import absolute_url
from tenants.hosts import groupement_host
from tenants.selectors import commune_listing


class Command(BaseCommand):
    help = "Liste les communes : identifiant, INSEE, statut, domaine, schéma."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--urls", action="store_true", help="Afficher seulement les adresses, une par ligne"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        communes = commune_listing()
        if options["urls"]:
            self.stdout.write(absolute_url(groupement_host(), "/"))
            for commune in communes:
                if commune.domain:
                    self.stdout.write(absolute_url(commune.domain, "/"))
            return
        table = Table(title=f"Communes du groupement ({len(communes)})")
        for column in ("Commune", "Identifiant", "INSEE", "Statut", "Domaine", "Schéma"):
            table.add_column(column)
        for commune in communes:
            table.add_row(
                commune.name,
                commune.slug,
                commune.insee_code,
                commune.status_label,
                commune.domain or "—",
                commune.schema_name,
            )
        Console(file=cast(IO[str], self.stdout._out), width=200).print(table)
