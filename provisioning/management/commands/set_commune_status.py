"""set_commune_status: move a commune to another status (suspend, resume, archive, deploy)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from provisioning.services import ProvisioningError
from provisioning.status import commune_status_change, status_label
from tenants.models import CommuneStatus


class Command(BaseCommand):
    help = (
        "Change le statut d'une commune (pilote, déploiement, active, suspendue, archivée), "
        "avec un motif inscrit au journal."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="Identifiant de la commune (ex. pessac)")
        parser.add_argument("status", help=f"Nouveau statut : {' | '.join(CommuneStatus.values)}")
        # Not required by argparse: a missing motif is then one clear line, like the others.
        parser.add_argument("--reason", default="", help="Motif, inscrit au journal")
        parser.add_argument("--dry-run", action="store_true", help="Vérifier sans rien changer")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            change = commune_status_change(
                commune=options["slug"],
                to=options["status"],
                reason=options["reason"],
                dry_run=options["dry_run"],
            )
        except ProvisioningError as exc:
            raise CommandError(str(exc)) from exc
        name = change.commune.name
        move = f"« {status_label(change.previous)} » → « {status_label(change.status)} »"
        day = change.on.strftime("%d/%m/%Y")
        if change.dry_run:
            self.stdout.write(f"[simulation] {name} : {move} serait appliqué ; rien n'a changé.")
            return
        if change.stops_service:
            stopped = "suspendu" if change.status == CommuneStatus.SUSPENDED else "arrêté"
            effect = f"service {stopped}, hébergement plus compté à partir du {day}"
        elif change.resumes_service and change.snapshot is not None:
            effect = (
                f"service rétabli, {change.snapshot.deployed_classes} classe(s) déployée(s) "
                f"relevée(s) le {day}"
            )
        else:
            effect = "inscrit au journal"
        self.stdout.write(self.style.SUCCESS(f"{name} : {move} ({effect})."))
