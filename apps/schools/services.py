"""Writes about schools (the commune administrator's pages call these)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.accounts.models import User
from apps.audit.services import record_event
from apps.schools.models import School

# What the administrator edits; the logo has its own upload path (school site branding).
SCHOOL_FIELDS = (
    "uai",
    "name",
    "kind",
    "street",
    "postal_code",
    "city",
    "deployment_status",
    "primary_colour",
    "secondary_colour",
)


@transaction.atomic
def school_create(*, actor: User, **fields: Any) -> School:
    """Create a school; ``full_clean`` checks the UAI (check letter, uniqueness) and colours."""
    school = School(**{name: fields[name] for name in SCHOOL_FIELDS if name in fields})
    school.full_clean()
    school.save()
    record_event(
        action="school.created",
        actor=actor,
        target=f"{school.uai} {school.name}",
        details={"school_id": school.pk, "deployment_status": school.deployment_status},
    )
    return school


@transaction.atomic
def school_update(*, actor: User, school: School, **fields: Any) -> School:
    """Change the given fields; the audit line names those that changed, old → new."""
    changes: dict[str, list[str]] = {}
    for name in SCHOOL_FIELDS:
        if name in fields and getattr(school, name) != fields[name]:
            changes[name] = [str(getattr(school, name)), str(fields[name])]
            setattr(school, name, fields[name])
    if not changes:
        return school
    school.full_clean()
    school.save(update_fields=list(changes))
    record_event(
        action="school.updated",
        actor=actor,
        target=f"{school.uai} {school.name}",
        details={"school_id": school.pk, "changes": changes},
    )
    return school
