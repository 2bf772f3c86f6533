"""Schools of a commune, and the school year imports file classes under.

Everything here runs in the commune's own schema (``schema_context``), and raises
``ProvisioningError`` with one line for the operator when the input is wrong; nothing is
changed then.
"""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.audit.services import record_event
from apps.schools.models import DeploymentStatus, School, SchoolKind, SchoolYear
from apps.schools.validators import validate_uai
from provisioning.services import ProvisioningError
from tenants.models import Commune, CommuneStatus

log = logging.getLogger(__name__)

# The rentrée is on 1 September; the year ends in the first days of July.
YEAR_STARTS = (9, 1)
YEAR_ENDS = (7, 4)
# From this month on, imports prepare the coming year (ONDE exports of late August are
# already next year's classes).
NEW_YEAR_FROM_MONTH = 8
SCHOOL_NAME_MAX = 200


def commune_by_slug(slug: str) -> Commune:
    """The commune named by ``slug``; an unknown or archived one is an operator error."""
    slug = (slug or "").strip().lower()
    commune = Commune.objects.filter(slug=slug).first()
    if commune is None:
        raise ProvisioningError(f"Commune inconnue : « {slug} ».")
    if commune.status == CommuneStatus.ARCHIVED:
        raise ProvisioningError(f"La commune {commune.name} est archivée : rien n'a changé.")
    return commune


def normalise_uai(uai: str) -> str:
    return (uai or "").strip().upper()


def school_year_bounds(today: datetime.date) -> tuple[str, datetime.date, datetime.date]:
    """Label, first and last day of the school year ``today`` belongs to (or prepares)."""
    start_year = today.year if today.month >= NEW_YEAR_FROM_MONTH else today.year - 1
    starts_on = datetime.date(start_year, *YEAR_STARTS)
    ends_on = datetime.date(start_year + 1, *YEAR_ENDS)
    return f"{start_year}-{start_year + 1}", starts_on, ends_on


def current_school_year(*, create: bool) -> SchoolYear | None:
    """The current school year of the commune whose schema is active.

    When none is marked current, the year of today's date is used, made current, and
    created if ``create`` (imports create it on their first run; a dry run only says so).
    """
    year, _ = _current_school_year(create=create)
    return year


def ensure_current_school_year() -> tuple[SchoolYear, bool]:
    """The current school year, made (and created) from today's date if needed; and whether
    this call made it current."""
    year, made = _current_school_year(create=True)
    if year is None:  # create=True always returns a year
        raise ProvisioningError("Année scolaire introuvable.")
    return year, made


def _current_school_year(*, create: bool) -> tuple[SchoolYear | None, bool]:
    year = SchoolYear.objects.filter(is_current=True).first()
    if year is not None:
        return year, False
    label, starts_on, ends_on = school_year_bounds(timezone.localdate())
    year = SchoolYear.objects.filter(label=label).first()
    if not create:
        return None, False
    if year is None:
        year = SchoolYear.objects.create(
            label=label, starts_on=starts_on, ends_on=ends_on, is_current=True
        )
        return year, True
    year.is_current = True
    year.save(update_fields=["is_current"])
    return year, True


def school_year_label_for_today() -> str:
    return school_year_bounds(timezone.localdate())[0]


def school_add(
    *,
    commune_slug: str,
    uai: str,
    name: str,
    kind: str,
    status: str = DeploymentStatus.NOT_DEPLOYED,
) -> School:
    """Add a school to a commune. Bad input or a duplicate UAI changes nothing."""
    commune = commune_by_slug(commune_slug)
    uai = normalise_uai(uai)
    name = " ".join((name or "").split())
    try:
        validate_uai(uai)
    except ValidationError as exc:
        raise ProvisioningError(str(exc.messages[0])) from exc
    if not name:
        raise ProvisioningError("Le nom de l'école est vide.")
    if len(name) > SCHOOL_NAME_MAX:
        raise ProvisioningError(f"Le nom de l'école dépasse {SCHOOL_NAME_MAX} caractères.")
    if kind not in SchoolKind.values:
        raise ProvisioningError(
            f"Type d'école inconnu : « {kind} » (attendu : {', '.join(SchoolKind.values)})."
        )
    if status not in DeploymentStatus.values:
        raise ProvisioningError(
            f"Statut inconnu : « {status} » (attendu : {', '.join(DeploymentStatus.values)})."
        )
    with schema_context(commune.schema_name):
        existing = School.objects.filter(uai=uai).first()
        if existing is not None:
            raise ProvisioningError(
                f"L'école {uai} existe déjà dans la commune {commune.name} "
                f"(« {existing.name} ») : rien n'a changé."
            )
        try:
            with transaction.atomic():
                school = School.objects.create(
                    uai=uai, name=name, kind=kind, deployment_status=status
                )
                record_event(
                    action="school.added",
                    target=f"{uai} {name}",
                    details={"uai": uai, "kind": kind, "status": status},
                )
        except IntegrityError as exc:  # the same UAI was added concurrently
            raise ProvisioningError(
                f"L'école {uai} vient d'être ajoutée par ailleurs : rien n'a changé."
            ) from exc
    log.info("school %s added to %s", uai, commune.slug)
    return school
