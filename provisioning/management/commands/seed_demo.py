"""seed_demo [--logins-file PATH] [--commune SLUG ...]: demo schools, classes and people."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from provisioning.demo_billing import seed_billing_demo
from provisioning.demo_people import CommuneSeed, DemoError, seed_demo, write_logins_file
from tenants.models import Commune


class Command(BaseCommand):
    help = (
        "Données de démonstration : écoles, classes, élèves, parents et personnels fictifs "
        "dans chaque commune, et les comptes de démonstration (idempotent)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--logins-file",
            type=Path,
            help="écrire les identifiants de démonstration (et les secrets TOTP) dans ce fichier",
        )
        parser.add_argument(
            "--commune",
            action="append",
            dest="communes",
            metavar="SLUG",
            help="seulement cette commune (répétable) ; toutes par défaut",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        communes = list(Commune.objects.all())
        if options["communes"]:
            wanted = set(options["communes"])
            unknown = wanted - {c.slug for c in communes}
            if unknown:
                raise CommandError(f"Commune inconnue : {', '.join(sorted(unknown))}.")
            communes = [c for c in communes if c.slug in wanted]
        if not communes:
            raise CommandError("Aucune commune : lancez d'abord seed_groupement.")
        console = Console(file=cast(IO[str], self.stdout._out))
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("Démo", total=len(communes))

            def advance(seeded: CommuneSeed) -> None:
                progress.update(task, advance=1, description=seeded.commune.name)

            try:
                result = seed_demo(communes=communes, on_progress=advance)
            except DemoError as exc:
                raise CommandError(str(exc)) from exc
        created = [c for c in result.communes if c.created]
        self.stdout.write(
            f"Démo : {len(created)} commune(s) peuplée(s) "
            f"({sum(c.pupils for c in created)} élèves, {sum(c.parents for c in created)} "
            f"parents, {sum(c.staff for c in created)} personnels), "
            f"{len(result.communes) - len(created)} déjà prête(s)."
        )
        if not options["communes"]:
            # The groupement's billing concerns every commune: seeded with the whole demo only.
            billing = seed_billing_demo()
            self.stdout.write(
                f"Facturation : marché {'créé' if billing.contract_created else 'déjà là'}, "
                f"{billing.price_lines_created} ligne(s) de prix, "
                f"{billing.profiles_created} commune(s) renseignée(s), "
                f"{billing.snapshots_recorded} relevé(s) de classes"
                + (f", facture {billing.invoice_number} émise." if billing.invoice_number else ".")
            )
        if options["logins_file"]:
            write_logins_file(options["logins_file"], result.logins)
            self.stdout.write(f"Identifiants de démonstration : {options['logins_file']}")
