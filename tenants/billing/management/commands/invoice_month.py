"""invoice_month --month AAAA-MM: every live commune's invoice for a month, from usage."""

from __future__ import annotations

import datetime
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tenants.billing.invoicing import (
    BatchRow,
    month_label,
    parse_month,
    usage_invoices_issue_month,
)
from tenants.billing.services import BillingError
from tenants.db import use_public_schema

_MARKS = {"issued": "émise", "skipped": "ignorée", "error": "ERREUR", "preview": "aperçu"}


class Command(BaseCommand):
    help = (
        "Émet la facture du mois de chaque commune en service : hébergement au prorata "
        "temporis et quotes-parts des coûts partagés au prorata des classes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="Mois facturé, AAAA-MM")
        parser.add_argument(
            "--issued-on", help="Date d'émission, AAAA-MM-JJ (par défaut : aujourd'hui)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Montre les relevés sans rien écrire"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = parse_month(options["month"])
        except BillingError as error:
            raise CommandError(error.messages[0]) from None
        issued_on = timezone.localdate()
        if options["issued_on"]:
            try:
                issued_on = datetime.date.fromisoformat(options["issued_on"])
            except ValueError:
                raise CommandError(
                    f"date d'émission invalide : {options['issued_on']} (AAAA-MM-JJ)"
                ) from None
        use_public_schema()
        console = Console(file=cast(IO[str], self.stdout._out), width=160)
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task(month_label(month), total=None)

            def start(total: int) -> None:
                progress.update(task, total=total)

            def report(row: BatchRow) -> None:
                progress.console.print(
                    f"{row.commune.name} : {_MARKS[row.outcome]} — {row.message}",
                    markup=False,
                    highlight=False,
                )
                progress.update(task, advance=1)

            try:
                rows = usage_invoices_issue_month(
                    month=month,
                    issued_on=issued_on,
                    dry_run=options["dry_run"],
                    on_start=start,
                    on_row=report,
                )
            except BillingError as error:
                raise CommandError(error.messages[0]) from None
        counts = {key: sum(row.outcome == key for row in rows) for key in _MARKS}
        summary = (
            f"{month_label(month)} : {counts['issued']} facture(s) émise(s), "
            f"{counts['skipped']} déjà facturée(s), {counts['error']} en erreur"
        )
        if options["dry_run"]:
            summary = f"{month_label(month)} (à blanc) : {counts['preview']} facture(s) à émettre"
            summary += f", {counts['skipped']} déjà facturée(s), {counts['error']} en erreur"
        self.stdout.write(summary + ".")
        if counts["error"]:
            raise CommandError(
                f"{counts['error']} commune(s) non facturée(s) pour {month_label(month)} : "
                "voir les lignes ERREUR ci-dessus."
            )
