"""Reads of the cahier de textes. Getters answer ``None`` for "missing" and "forbidden" alike;
a week or a day costs one query for the entries whatever their number or the class's size.

Repeated entries are expanded here (see ``apps.homework.models``): an ``Occurrence`` is an
entry on one of its days, with its due day moved by the same amount.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.accounts.permissions import Actor, can_edit_homework, can_view_homework
from apps.accounts.selectors import current_year
from apps.homework.models import REPEAT_DAYS, HomeworkEntry, Repeat
from apps.schools.models import Classroom, Enrolment, EnrolmentStatus

CURRENT_ENROLMENT = (EnrolmentStatus.ENROLLED, EnrolmentStatus.LEAVING)
SCHOOL_DAYS = 5  # Monday to Friday are always shown; a weekend day only when it has something.


@dataclass(frozen=True)
class Occurrence:
    entry: HomeworkEntry
    on: datetime.date
    due_on: datetime.date | None


@dataclass
class Day:
    date: datetime.date
    done: list[Occurrence] = field(default_factory=list)
    due: list[Occurrence] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.done and not self.due


def week_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=6)


def classroom_for_viewer(actor: Actor, classroom_id: int) -> Classroom | None:
    classroom = Classroom.objects.select_related("school").filter(pk=classroom_id).first()
    if classroom is None or not can_view_homework(
        viewer=actor, classroom_id=classroom.pk, school_id=classroom.school_id
    ):
        return None
    return classroom


def classroom_for_editor(actor: Actor, classroom_id: int) -> Classroom | None:
    classroom = Classroom.objects.select_related("school").filter(pk=classroom_id).first()
    if classroom is None or not may_edit(actor, classroom):
        return None
    return classroom


def may_edit(actor: Actor, classroom: Classroom) -> bool:
    return can_edit_homework(author=actor, classroom_id=classroom.pk, school_id=classroom.school_id)


def entry_for_editor(actor: Actor, entry_id: int) -> HomeworkEntry | None:
    entry = HomeworkEntry.objects.select_related("classroom__school").filter(pk=entry_id).first()
    if entry is None or not may_edit(actor, entry.classroom):
        return None
    return entry


def classroom_of_pupil(actor: Actor, pupil_id: int) -> Classroom | None:
    """The current class of a pupil, for the pupil or one of their guardians."""
    if not actor.active or not (
        (actor.is_pupil and actor.id == pupil_id)
        or (actor.is_parent and pupil_id in actor.child_ids)
    ):
        return None
    enrolment = (
        Enrolment.objects.filter(
            pupil_id=pupil_id, year__is_current=True, status__in=CURRENT_ENROLMENT
        )
        .select_related("classroom__school")
        .first()
    )
    if enrolment is None or not can_view_homework(
        viewer=actor, classroom_id=enrolment.classroom_id, school_id=enrolment.classroom.school_id
    ):
        return None
    return enrolment.classroom


def children_of(actor: Actor) -> list[User]:
    return list(User.objects.filter(pk__in=actor.child_ids).order_by("first_name", "pk"))


def entries_touching(
    classroom_ids: list[int], start: datetime.date, end: datetime.date, *, drafts: bool
) -> QuerySet[HomeworkEntry]:
    """Entries one of whose occurrences is done or due between ``start`` and ``end``."""
    entries = HomeworkEntry.objects.filter(
        classroom_id__in=classroom_ids, on__lte=end, last_day__gte=start
    )
    if not drafts:
        entries = entries.filter(published_at__isnull=False)
    return entries.order_by("on", "domain", "id")


def expand(
    entries: list[HomeworkEntry], start: datetime.date, end: datetime.date
) -> list[Occurrence]:
    """Each occurrence done or due between ``start`` and ``end`` (no query)."""
    found = []
    for entry in entries:
        lag = (entry.due_on - entry.on) if entry.due_on else None
        step = datetime.timedelta(days=REPEAT_DAYS[Repeat(entry.repeat)]) if entry.repeat else None
        last = entry.repeat_until if step and entry.repeat_until else entry.on
        day = entry.on  # at most a school year of weeks: walking them is cheap
        while day <= last and day <= end:
            due = day + lag if lag is not None else None
            if start <= day or (due is not None and start <= due <= end):
                found.append(Occurrence(entry=entry, on=day, due_on=due))
            if step is None:
                break
            day += step
    return found


def notebook(
    actor: Actor, classroom: Classroom, start: datetime.date, end: datetime.date
) -> list[Day]:
    """The days from ``start`` to ``end`` with what was done and what is due (drafts only for
    those who may edit): one query."""
    entries = list(entries_touching([classroom.pk], start, end, drafts=may_edit(actor, classroom)))
    days = {
        start + datetime.timedelta(days=n): Day(start + datetime.timedelta(days=n))
        for n in range((end - start).days + 1)
    }
    for occurrence in expand(entries, start, end):
        if occurrence.on in days:
            days[occurrence.on].done.append(occurrence)
        if occurrence.due_on is not None and occurrence.due_on in days:
            days[occurrence.due_on].due.append(occurrence)
    return [
        day
        for day in days.values()
        if day.date.weekday() < SCHOOL_DAYS or not day.is_empty or start == end
    ]


def current_classrooms_visible_to(actor: Actor) -> QuerySet[Classroom]:
    """For staff: the classes of the year whose cahier de textes they may edit."""
    year = current_year()
    if year is None or not actor.active or not actor.is_school_staff:
        return Classroom.objects.none()
    classes = Classroom.objects.filter(year=year)
    classes = classes.filter(pk__in=actor.taught_class_ids) | classes.filter(
        school_id__in=actor.directed_school_ids
    )
    return classes.select_related("school").order_by("school__name", "name")
