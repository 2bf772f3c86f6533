"""Writes of quiet hours: the commune's slots (its administrator), a school's override (its
director, or the commune's administrator), and the emergency override that delivers a
notification at once despite quiet hours (the direction and the commune's administrator).
Each checks its rule itself, raises ``QuietHoursError``, and is written to the journal."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from apps.accounts.models import User
from apps.accounts.permissions import Actor, can_administer_commune, can_manage_school
from apps.audit.services import record_event
from apps.quiethours.models import QuietHours
from apps.schools.models import School


class QuietHoursError(Exception):
    """The act is not allowed, or the slots are not valid."""


def _check_slots(morning_end: datetime.time, evening_start: datetime.time) -> None:
    if not morning_end < evening_start:
        raise QuietHoursError("the morning end comes before the evening start")


def _save(
    *,
    user: User,
    school: School | None,
    morning_end: datetime.time,
    evening_start: datetime.time,
    action: str,
    target: str,
) -> QuietHours:
    _check_slots(morning_end, evening_start)
    row = QuietHours.objects.select_for_update().filter(school=school).first()
    before = (row.morning_end, row.evening_start) if row is not None else None
    if row is None:
        row = QuietHours(school=school)
    if before == (morning_end, evening_start):
        return row
    row.morning_end, row.evening_start, row.updated_by = morning_end, evening_start, user
    row.save()
    details: dict[str, Any] = {
        "morning_end": morning_end.strftime("%H:%M"),
        "evening_start": evening_start.strftime("%H:%M"),
    }
    if before is not None:
        details["before"] = [before[0].strftime("%H:%M"), before[1].strftime("%H:%M")]
    if school is not None:
        details["school_id"] = school.pk
    record_event(action=action, actor=user, target=target, details=details)
    return row


@transaction.atomic
def commune_hours_save(
    *, actor: Actor, user: User, morning_end: datetime.time, evening_start: datetime.time
) -> QuietHours:
    if not can_administer_commune(actor=actor):
        raise QuietHoursError("not the commune's administrator")
    return _save(
        user=user,
        school=None,
        morning_end=morning_end,
        evening_start=evening_start,
        action="quiethours.commune_changed",
        target="Commune",
    )


@transaction.atomic
def school_hours_save(
    *,
    actor: Actor,
    user: User,
    school: School,
    morning_end: datetime.time,
    evening_start: datetime.time,
) -> QuietHours:
    if not can_manage_school(actor=actor, school_id=school.pk):
        raise QuietHoursError("not the school's direction")
    return _save(
        user=user,
        school=school,
        morning_end=morning_end,
        evening_start=evening_start,
        action="quiethours.school_changed",
        target=f"{school.uai} {school.name}",
    )


@transaction.atomic
def school_hours_reset(*, actor: Actor, user: User, school: School) -> bool:
    """The school follows the commune's slots again; False when it already did."""
    if not can_manage_school(actor=actor, school_id=school.pk):
        raise QuietHoursError("not the school's direction")
    deleted, _by_model = QuietHours.objects.filter(school=school).delete()
    if deleted:
        record_event(
            action="quiethours.school_reset",
            actor=user,
            target=f"{school.uai} {school.name}",
            details={"school_id": school.pk},
        )
    return bool(deleted)


def emergency_override_record(
    *, actor: Actor, school_id: int, target: str, details: dict[str, Any]
) -> None:
    """Allow (and journal) a delivery at once despite quiet hours, for what ``actor`` sends to
    the families of ``school_id``. The caller then passes ``urgent=True`` to ``notify``."""
    if not can_manage_school(actor=actor, school_id=school_id):
        raise QuietHoursError("only the direction may override quiet hours")
    record_event(
        action="quiethours.emergency",
        actor=actor,
        target=target,
        details={"school_id": school_id, **details},
    )
