"""add_school: add a school (UAI, name, type, deployment status) to a commune."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.schools.errors import SchoolDataError
from apps.schools.models import DeploymentStatus, SchoolKind
from provisioning.operations import school_add
from provisioning.services import ProvisioningError


class Command(BaseCommand):
    help = "Ajoute une école à une commune."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--commune", required=True, help="Identifiant de la commune")
        parser.add_argument("--uai", required=True, help="Code UAI (ex. 0330001X)")
        parser.add_argument("--name", required=True, help="Nom de l'école")
        parser.add_argument(
            "--type", required=True, dest="kind", help=f"{' | '.join(SchoolKind.values)}"
        )
        parser.add_argument(
            "--status",
            default=DeploymentStatus.NOT_DEPLOYED,
            help=f"{' | '.join(DeploymentStatus.values)} (défaut : not_deployed)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            school = school_add(
                commune_slug=options["commune"],
                uai=options["uai"],
                name=options["name"],
                kind=options["kind"],
                status=options["status"],
            )
        except (ProvisioningError, SchoolDataError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"École ajoutée : {school.name} ({school.uai}, {school.get_kind_display()}, "
                f"{school.get_deployment_status_display()}) dans la commune {options['commune']}."
            )
        )
