"""Writing a plan: a fixed number of bulk statements, whatever the number of rows.

New rows go in with ``bulk_create`` (PostgreSQL returns their ids); changed rows are
written back with one ``INSERT … ON CONFLICT (id) DO UPDATE`` per table, which stays linear
where ``bulk_update``'s ``CASE WHEN id = …`` grows with the square of the rows.
Nothing here commits: the caller holds the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models

from apps.accounts.models import User
from apps.accounts.services import accounts_bulk_create
from apps.accounts.signals import names_changed, photo_consent_withdrawn
from apps.schools.models import (
    Classroom,
    Enrolment,
    EnrolmentStatus,
    Guardianship,
    SchoolYear,
)
from apps.schools.onde.plan import Plan
from apps.schools.onde.progress import ProgressReporter

USER_FIELDS = [
    "first_name",
    "last_name",
    "birth_date",
    "ine",
    "photo_consent",
    "left_at",
    "civility",
    "email",
    "phone",
]
# The labels of ``plan``'s changes that are a person's name, and their photo consent.
NAME_CHANGES = frozenset({"prénom", "nom"})
PHOTO_CONSENT_CHANGE = "autorisation photo"
CLASS_FIELDS = ["name", "levels", "onde_id"]
ENROLMENT_FIELDS = ["classroom", "level", "status", "left_on"]


def save_changed(
    model: type[models.Model], objs: Sequence[models.Model], fields: list[str]
) -> None:
    """Write back the given fields of existing rows in one statement."""
    if objs:
        model._default_manager.bulk_create(
            objs, update_conflicts=True, unique_fields=["id"], update_fields=fields
        )


def apply_plan(plan: Plan, *, year: SchoolYear, progress: ProgressReporter) -> None:
    new_classes = [c.classroom for c in plan.classes.values() if c.created]
    changed_classes = [c.classroom for c in plan.classes.values() if c.changes and not c.created]
    new_users = [a.user for a in (*plan.pupils, *plan.guardians) if a.created]
    changed = [a for a in (*plan.pupils, *plan.guardians) if a.changes and not a.created]
    changed_users = [a.user for a in changed]
    steps = (
        len(new_classes)
        + len(changed_classes)
        + len(new_users)
        + len(changed_users)
        + len(plan.enrolments)
        + len(plan.leaving)
        + len(plan.links)
    )
    progress.phase("Enregistrement", steps)

    for classroom in new_classes:
        classroom.year = year
    if new_classes:
        Classroom.objects.bulk_create(new_classes)
    save_changed(Classroom, changed_classes, CLASS_FIELDS)
    progress.advance(len(new_classes) + len(changed_classes))

    if new_users:
        accounts_bulk_create(new_users)
    progress.advance(len(new_users))
    save_changed(User, changed_users, USER_FIELDS)
    renamed = [a.user.pk for a in changed if NAME_CHANGES & {*a.changes}]
    if renamed:
        names_changed.send(sender=User, user_ids=renamed)
    withdrawn = [
        a.user.pk
        for a in changed
        if PHOTO_CONSENT_CHANGE in a.changes and a.user.photo_consent is False
    ]
    if withdrawn:
        photo_consent_withdrawn.send(sender=User, user_ids=withdrawn)
    progress.advance(len(changed_users))

    new_enrolments: list[Enrolment] = []
    changed_enrolments: list[Enrolment] = []
    for entry in plan.enrolments:
        classroom = entry.classroom.classroom
        if entry.existing is None:
            new_enrolments.append(
                Enrolment(
                    pupil=entry.pupil.user,
                    classroom=classroom,
                    year=year,
                    level=entry.level,
                    status=EnrolmentStatus.ENROLLED,
                )
            )
        elif entry.action != "unchanged":
            enrolment = entry.existing
            enrolment.classroom = classroom
            enrolment.level = entry.level
            enrolment.status = EnrolmentStatus.ENROLLED
            enrolment.left_on = None
            changed_enrolments.append(enrolment)
    changed_enrolments.extend(plan.leaving)
    if new_enrolments:
        Enrolment.objects.bulk_create(new_enrolments)
    save_changed(Enrolment, changed_enrolments, ENROLMENT_FIELDS)
    progress.advance(len(plan.enrolments) + len(plan.leaving))

    if plan.links:
        Guardianship.objects.bulk_create(
            [
                Guardianship(
                    guardian=link.guardian.user,
                    child=link.child.user,
                    kind=link.kind,
                    parental_authority=True,
                )
                for link in plan.links
            ]
        )
    progress.advance(len(plan.links))
