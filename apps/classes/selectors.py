"""Reads for the class pages: the classes one manages, and a class's pupils and their accounts.

Getters answer ``None`` for "missing" and "forbidden" alike; the roster costs the same number
of queries whatever the size of the class.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from apps.accounts.lifecycle import AccountStatus, account_status
from apps.accounts.models import User
from apps.accounts.permissions import (
    Actor,
    can_manage_classroom,
    can_view_classroom,
    can_view_pupils_of_classroom,
)
from apps.accounts.selectors import current_year
from apps.french.ordering import classroom_order, name_order
from apps.qrlogin.models import QrLoginToken
from apps.schools.models import (
    Classroom,
    Enrolment,
    EnrolmentStatus,
    Guardianship,
    current_enrolment,
)


def classrooms_managed_by(actor: Actor) -> QuerySet[Classroom]:
    """``can_manage_classroom`` for this school year, as one query: taught classes for a
    teacher, the school's classes for a director, every class for the commune administrator."""
    year = current_year()
    if year is None or not actor.active:
        return Classroom.objects.none()
    classes = Classroom.objects.filter(year=year)
    if not actor.is_commune_admin:
        classes = classes.filter(
            Q(pk__in=actor.taught_class_ids) | Q(school_id__in=actor.directed_school_ids)
        )
    return (
        classes.select_related("school", "year")
        .annotate(pupil_count=Count("enrolments", filter=current_enrolment("enrolments")))
        .order_by(*classroom_order())
    )


def classroom_managed_by(actor: Actor, classroom_id: int) -> Classroom | None:
    classroom = Classroom.objects.select_related("school", "year").filter(pk=classroom_id).first()
    if classroom is None or not can_manage_classroom(
        actor=actor, classroom_id=classroom.pk, school_id=classroom.school_id
    ):
        return None
    return classroom


def classroom_visible_to(actor: Actor, classroom_id: int) -> Classroom | None:
    """A class the actor may look at without managing it: a colleague's class of their school,
    or a pupil's own class."""
    classroom = Classroom.objects.select_related("school", "year").filter(pk=classroom_id).first()
    if classroom is None or not can_view_classroom(
        viewer=actor, classroom_id=classroom.pk, school_id=classroom.school_id
    ):
        return None
    return classroom


@dataclass(frozen=True)
class ClassroomMembers:
    teachers: list[User]
    pupils: list[User]


def classroom_members(actor: Actor, classroom: Classroom) -> ClassroomMembers:
    """The class's teachers, and its pupils for those who may see them (two queries)."""
    teachers = list(classroom.teachers.order_by(*name_order("last_name", "first_name")))
    pupils: list[User] = []
    if can_view_pupils_of_classroom(
        viewer=actor, classroom_id=classroom.pk, school_id=classroom.school_id
    ):
        pupils = [
            enrolment.pupil
            for enrolment in Enrolment.objects.current()
            .filter(classroom=classroom)
            .select_related("pupil")
            .order_by(*name_order("pupil__first_name", "pupil__last_name"), "pupil__pk")
        ]
    return ClassroomMembers(teachers=teachers, pupils=pupils)


@dataclass(frozen=True)
class GuardianEntry:
    user: User
    kind: str
    status: AccountStatus


@dataclass
class RosterEntry:
    pupil: User
    leaving: bool
    status: AccountStatus
    guardians: list[GuardianEntry] = field(default_factory=list)
    qr_token: QrLoginToken | None = None


def classroom_roster(classroom: Classroom) -> list[RosterEntry]:
    """The pupils of the class with their account state, guardians and live QR token.

    Three queries (two for an élémentaire class), whatever the number of pupils.
    """
    enrolments = (
        Enrolment.objects.current()
        .filter(classroom=classroom)
        .select_related("pupil")
        .order_by(*name_order("pupil__last_name", "pupil__first_name"), "pupil__username")
    )
    entries = {
        enrolment.pupil_id: RosterEntry(
            pupil=enrolment.pupil,
            leaving=enrolment.status == EnrolmentStatus.LEAVING,
            status=account_status(enrolment.pupil),
        )
        for enrolment in enrolments
    }
    if not entries:
        return []
    guardians: dict[int, list[GuardianEntry]] = defaultdict(list)
    links = (
        Guardianship.objects.filter(child_id__in=entries)
        .select_related("guardian")
        .order_by("kind", *name_order("guardian__last_name", "guardian__first_name"))
    )
    for link in links:
        guardians[link.child_id].append(
            GuardianEntry(
                user=link.guardian,
                kind=link.get_kind_display(),
                status=account_status(link.guardian),
            )
        )
    for pupil_id, entry in entries.items():
        entry.guardians = guardians[pupil_id]
    if classroom.is_maternelle:
        for token in QrLoginToken.objects.filter(pupil_id__in=entries, revoked_at__isnull=True):
            entries[token.pupil_id].qr_token = token
    return list(entries.values())
