"""import_holidays FILE: the school holidays (and the public holidays they bring) from a
calendar file; see apps/calendar/data/vacances.yaml for the format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.calendar.calendar_file import CalendarFileError, read_calendar
from apps.calendar.services import calendar_import
from tenants.db import use_public_schema


class Command(BaseCommand):
    help = (
        "Importe le calendrier des vacances scolaires (zones A, B, C) d'un fichier YAML ; "
        "les années du fichier remplacent celles déjà enregistrées. Format : "
        "apps/calendar/data/vacances.yaml."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Fichier YAML du calendrier")
        parser.add_argument(
            "--dry-run", action="store_true", help="Vérifier le fichier, sans rien écrire"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            calendar = read_calendar(path)
        except CalendarFileError as exc:
            for issue in exc.issues:
                self.stderr.write(f"{path} — {issue}")
            raise CommandError(
                f"{path} : {len(exc.issues)} erreur(s) ; le calendrier n'a pas changé."
            ) from exc
        use_public_schema()  # national data: the public schema's table
        years = calendar_import(calendar, dry_run=options["dry_run"])
        prefix = "[simulation] " if options["dry_run"] else ""
        for year in years:
            self.stdout.write(
                f"{prefix}{year.label} : {year.periods} période(s) de vacances (par zone), "
                f"{year.public_holidays} jour(s) férié(s) — "
                f"{'remplacée' if year.replaced else 'ajoutée'}."
            )
