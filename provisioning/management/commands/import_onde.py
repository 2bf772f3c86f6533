"""import_onde: import a school's two ONDE exports (pupils, guardians), all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console

from apps.schools.errors import SchoolDataError
from apps.schools.onde import ImportReport, OndeImportError, SourceFile
from apps.schools.onde.plan import LEAVERS_SHARE
from apps.schools.onde.progress import RichProgress
from provisioning.operations import onde_import
from provisioning.services import ProvisioningError

SHOWN_NAMES = 2000


def read_source(path: str) -> SourceFile:
    file = Path(path)
    try:
        return SourceFile(name=file.name, content=file.read_bytes())
    except OSError as exc:
        raise CommandError(f"Fichier illisible : {path} ({exc.strerror}).") from exc


class Command(BaseCommand):
    help = "Importe les exports ONDE (élèves et responsables) d'une école."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--commune", required=True, help="Identifiant de la commune")
        parser.add_argument("--school", required=True, help="Code UAI de l'école")
        parser.add_argument("--pupils", required=True, help="Export ONDE des élèves (CSV)")
        parser.add_argument("--parents", required=True, help="Export ONDE des responsables (CSV)")
        parser.add_argument(
            "--dry-run", action="store_true", help="Montrer ce qui changerait, sans rien écrire"
        )
        parser.add_argument(
            "--confirm-leavers",
            action="store_true",
            help=f"Confirmer les départs quand plus de {round(100 * LEAVERS_SHARE)} %% des élèves "
            "de l'école seraient marqués comme partants (sinon l'import est refusé)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        pupils = read_source(options["pupils"])
        guardians = read_source(options["parents"])
        err = Console(stderr=True, highlight=False)
        try:
            with RichProgress(err) as progress:
                report = onde_import(
                    commune_slug=options["commune"],
                    school_uai=options["school"],
                    pupils=pupils,
                    guardians=guardians,
                    dry_run=options["dry_run"],
                    confirm_leavers=options["confirm_leavers"],
                    progress=progress,
                )
        except OndeImportError as exc:
            for issue in exc.issues:
                err.print(str(issue), markup=False)
            raise CommandError(str(exc)) from exc
        except (ProvisioningError, SchoolDataError) as exc:
            raise CommandError(str(exc)) from exc
        self._print(report)

    def _print(self, report: ImportReport) -> None:
        out = self.stdout
        prefix = "[simulation] " if report.dry_run else ""
        verb = "serait" if report.dry_run else "a été"
        out.write(
            f"{prefix}École {report.school_uai} {report.school_name}, année {report.year_label}"
            + (f" ({verb} créée)" if report.year_created else "")
        )
        rows = [
            ("classes", report.classes.counts()),
            ("élèves", report.pupils.counts()),
            ("responsables", report.guardians.counts()),
        ]
        for label, counts in rows:
            out.write(
                f"  {label:<13} créés {counts['created']:>5} · mis à jour {counts['updated']:>5}"
                f" · inchangés {counts['unchanged']:>5}"
            )
        enrol = report.enrolments.counts()
        out.write(
            f"  {'inscriptions':<13} créées {enrol['created']:>4} · changées de classe "
            f"{enrol['moved']:>4} · mises à jour {enrol['updated']:>4} · inchangées "
            f"{enrol['unchanged']:>4} · départs signalés {enrol['leaving']:>4}"
        )
        out.write(
            f"  {'liens':<13} créés {len(report.links_created):>5} · inchangés "
            f"{report.links_unchanged:>5}"
        )
        if report.dry_run:
            sections = [
                ("Classes créées", report.classes.created),
                ("Classes mises à jour", report.classes.updated),
                ("Classes inchangées", report.classes.unchanged),
                ("Élèves créés", report.pupils.created),
                ("Élèves mis à jour", report.pupils.updated),
                ("Élèves inchangés", report.pupils.unchanged),
                ("Responsables créés", report.guardians.created),
                ("Responsables mis à jour", report.guardians.updated),
                ("Responsables inchangés", report.guardians.unchanged),
                ("Changements de classe", report.enrolments.moved),
                ("Départs signalés", report.enrolments.leaving),
            ]
            for title, names in sections:
                if names:
                    shown = names[:SHOWN_NAMES]
                    more = len(names) - len(shown)
                    out.write(
                        f"{title} ({len(names)}) : "
                        + ", ".join(shown)
                        + (f", … et {more} autres" if more else "")
                    )
            if report.leavers_need_confirmation:
                out.write(
                    f"[simulation] Attention : {enrol['leaving']} des {report.enrolled_before} "
                    "élèves inscrits seraient marqués comme partants ; l'import sera refusé "
                    "sans --confirm-leavers."
                )
            out.write("[simulation] Rien n'a été écrit.")
        else:
            out.write(self.style.SUCCESS(f"Import terminé en {report.seconds:.1f} s."))
