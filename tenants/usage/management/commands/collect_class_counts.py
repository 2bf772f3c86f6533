"""collect_class_counts: record every live commune's class counts now (default: today)."""

from __future__ import annotations

from datetime import date
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from tenants.db import use_public_schema
from tenants.usage.services import class_counts_collect


class Command(BaseCommand):
    help = "Relève les classes de chaque commune en service (facturation au prorata des classes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", help="Date du relevé, AAAA-MM-JJ (par défaut : aujourd'hui, Europe/Paris)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on = None
        if options["date"]:
            try:
                on = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"date invalide : {options['date']} (AAAA-MM-JJ)") from None
        use_public_schema()
        snapshots = class_counts_collect(on=on)
        table = Table(title=f"Classes relevées ({len(snapshots)} communes)")
        for column in ("Commune", "Date", "Classes", "Classes déployées", "Écoles déployées"):
            table.add_column(column)
        for snapshot in snapshots:
            table.add_row(
                snapshot.commune.name,
                snapshot.date.isoformat(),
                str(snapshot.primary_classes),
                str(snapshot.deployed_classes),
                str(snapshot.deployed_schools),
            )
        Console(file=cast(IO[str], self.stdout._out), width=200).print(table)
