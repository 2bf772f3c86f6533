"""seed_groupement FILE: provision every commune a YAML file lists, with a progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from provisioning.seed import load_groupement_file, seed_groupement
from provisioning.services import ProvisioningError, ProvisionResult


class Command(BaseCommand):
    help = "Provisionne toutes les communes d'un fichier YAML de groupement."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            spec = load_groupement_file(options["file"])
        except ProvisioningError as exc:
            raise CommandError(str(exc)) from exc
        console = Console(file=cast(IO[str], self.stdout._out))
        created = existing = 0
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("Communes", total=len(spec.communes))

            def advance(result: ProvisionResult) -> None:
                nonlocal created, existing
                if result.created:
                    created += 1
                else:
                    existing += 1
                progress.update(task, advance=1, description=result.commune.name)

            try:
                seed_groupement(spec, on_progress=advance)
            except ProvisioningError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{spec.name} : {created} commune(s) créée(s), {existing} déjà présente(s)."
        )
