"""import_teachers: teacher accounts, school memberships and classes from a CSV file."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console

from apps.schools.errors import SchoolDataError
from apps.schools.onde import OndeImportError
from provisioning.management.commands.import_onde import read_source
from provisioning.operations import teachers_import
from provisioning.services import ProvisioningError


class Command(BaseCommand):
    help = "Importe les enseignants d'un fichier CSV (nom;prénom;courriel;UAI;classes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--commune", required=True, help="Identifiant de la commune")
        parser.add_argument("file", help="Fichier CSV des enseignants")
        parser.add_argument(
            "--dry-run", action="store_true", help="Montrer ce qui changerait, sans rien écrire"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = read_source(options["file"])
        try:
            report = teachers_import(
                commune_slug=options["commune"], source=source, dry_run=options["dry_run"]
            )
        except OndeImportError as exc:
            err = Console(stderr=True, highlight=False)
            for issue in exc.issues:
                err.print(str(issue), markup=False)
            raise CommandError(str(exc)) from exc
        except (ProvisioningError, SchoolDataError) as exc:
            raise CommandError(str(exc)) from exc
        prefix = "[simulation] " if report.dry_run else ""
        counts = report.teachers.counts()
        self.stdout.write(
            f"{prefix}Enseignants ({report.year_label}) : créés {counts['created']}, "
            f"mis à jour {counts['updated']}, inchangés {counts['unchanged']} ; "
            f"rattachements à une école {len(report.memberships_created)}, "
            f"classes créées {len(report.classes_created)}, "
            f"classes attribuées {len(report.class_links_created)}."
        )
        for title, names in (
            ("Créés", report.teachers.created),
            ("Mis à jour", report.teachers.updated),
            ("Classes créées", report.classes_created),
        ):
            if names:
                self.stdout.write(f"{prefix}{title} : {', '.join(names)}")
        if not report.changed_anything:
            self.stdout.write("Rien n'a changé.")
