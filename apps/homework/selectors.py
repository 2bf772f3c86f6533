"""Reads of the cahier de textes. Getters answer ``None`` for "missing" and "forbidden" alike;
a week or a day costs one query for the entries whatever their number or the class's size.

Repeated entries are expanded here (see ``apps.homework.models``): an ``Occurrence`` is an
entry on one of its days, with its due day moved by the same amount, unless a
``HomeworkOccurrence`` changes or cancels that day alone. A week's overrides cost one more
query, whatever the number of entries. A series has no session on the days without school
(``apps.homework.repeats``); the calendar costs one more query, only when it is consulted.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from apps import dates
from apps.accounts.permissions import Actor, can_edit_homework, can_view_homework
from apps.accounts.selectors import current_year
from apps.calendar.selectors import DaysOff, days_off
from apps.french.ordering import classroom_order
from apps.homework import repeats
from apps.homework.models import (
    REPEAT_DAYS,
    SUBJECT_ICONS,
    HomeworkEntry,
    HomeworkOccurrence,
    Repeat,
    Subject,
)
from apps.schools.models import Classroom, Enrolment

SCHOOL_DAYS = 5  # Monday to Friday are always shown; a weekend day only when it has something.


@dataclass(frozen=True)
class Occurrence:
    """``due_on`` is this occurrence's own (the override's when there is one); the texts and
    the domain come from the override when there is one, else from the entry."""

    entry: HomeworkEntry
    on: datetime.date
    due_on: datetime.date | None
    override: HomeworkOccurrence | None = None

    @property
    def _source(self) -> HomeworkEntry | HomeworkOccurrence:
        return self.override if self.override is not None else self.entry

    @property
    def domain(self) -> str:
        return self._source.domain

    @property
    def domain_label(self) -> str:
        return str(Subject(self.domain).label)

    @property
    def icon(self) -> str:
        return SUBJECT_ICONS.get(Subject(self.domain), "📌")

    @property
    def done(self) -> str:
        return self._source.done

    @property
    def todo(self) -> str:
        return self._source.todo

    @property
    def cancelled(self) -> bool:
        return self.override is not None and self.override.cancelled

    @property
    def changed_alone(self) -> bool:
        """Changed for this day only (not cancelled)."""
        return self.override is not None and not self.override.cancelled


@dataclass
class Day:
    date: datetime.date
    done: list[Occurrence] = field(default_factory=list)
    due: list[Occurrence] = field(default_factory=list)
    # Why there is no school that day (« Vacances de Noël », « Jour férié : 11 Novembre »).
    off_reasons: tuple[str, ...] = ()

    @property
    def off(self) -> str:
        return " — ".join(self.off_reasons)

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
    entry = (
        HomeworkEntry.objects.select_related("classroom__school", "publication")
        .filter(pk=entry_id)
        .first()
    )
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
        Enrolment.objects.this_year()
        .filter(pupil_id=pupil_id)
        .select_related("classroom__school")
        .first()
    )
    if enrolment is None or not can_view_homework(
        viewer=actor, classroom_id=enrolment.classroom_id, school_id=enrolment.classroom.school_id
    ):
        return None
    return enrolment.classroom


def entries_touching(
    classroom_ids: list[int], start: datetime.date, end: datetime.date, *, drafts: bool
) -> QuerySet[HomeworkEntry]:
    """Entries one of whose occurrences is done or due between ``start`` and ``end``, with
    their attachments (one more query, whatever the number of entries)."""
    entries = HomeworkEntry.objects.filter(
        classroom_id__in=classroom_ids, on__lte=end, last_day__gte=start
    ).filter(
        # Entries stored before dates were bounded (year 1, 9999) are left out: their lag or
        # their repetitions would step out of Python's calendar on every week of the class.
        Q(due_on__isnull=True) | Q(due_on__lte=dates.LATEST),
        on__gte=dates.EARLIEST,
        last_day__lte=dates.LATEST,
    )
    if not drafts:
        entries = entries.filter(published_at__isnull=False)
    return (
        entries.order_by("on", "domain", "id")
        .select_related("publication")
        .prefetch_related("publication__attachments")
    )


def override_for(entry: HomeworkEntry, day: datetime.date) -> HomeworkOccurrence | None:
    return HomeworkOccurrence.objects.filter(entry=entry, on=day).first()


def overrides_touching(
    entries: list[HomeworkEntry], start: datetime.date, end: datetime.date
) -> dict[tuple[int, datetime.date], HomeworkOccurrence]:
    """The overrides of ``entries`` whose occurrence may show between ``start`` and ``end``:
    one query (none without entries), keyed by (entry id, day)."""
    if not entries:
        return {}
    longest_lag = max(
        ((entry.due_on - entry.on).days for entry in entries if entry.due_on), default=0
    )
    # The series' own due day reaches back ``longest_lag`` days; an override's due day may
    # fall in the week from further back.
    found = HomeworkOccurrence.objects.filter(
        Q(on__gte=start - datetime.timedelta(days=longest_lag))
        | Q(due_on__gte=start, due_on__lte=end),
        entry_id__in=[entry.pk for entry in entries],
        on__lte=end,
    )
    return {(override.entry_id, override.on): override for override in found}


def expand(
    entries: list[HomeworkEntry],
    start: datetime.date,
    end: datetime.date,
    overrides: dict[tuple[int, datetime.date], HomeworkOccurrence] | None = None,
    *,
    cancelled: bool = False,
    calendar: DaysOff | None = None,
) -> list[Occurrence]:
    """Each occurrence done or due between ``start`` and ``end`` (no query but the calendar's),
    changed by its override if any; cancelled ones only when ``cancelled`` (for those who
    edit). Repetitions on days without school are left out (``calendar``, by default the
    groupement's)."""
    overrides = overrides or {}
    calendar = calendar or days_off()
    found = []
    for entry in entries:
        lag = (entry.due_on - entry.on) if entry.due_on else None
        step = datetime.timedelta(days=REPEAT_DAYS[Repeat(entry.repeat)]) if entry.repeat else None
        last = entry.repeat_until if step and entry.repeat_until else entry.on
        day = entry.on  # at most a school year of weeks: walking them is cheap
        while day <= last and day <= end:
            override = overrides.get((entry.pk, day))
            if override is not None:
                due = override.due_on
            else:
                due = day + lag if lag is not None else None
            shown = (override is None or not override.cancelled or cancelled) and not (
                repeats.skips(entry.on, day, calendar)
            )
            if shown and (start <= day or (due is not None and start <= due <= end)):
                found.append(Occurrence(entry=entry, on=day, due_on=due, override=override))
            if step is None:
                break
            day += step
    return found


def occurrences_between(
    actor: Actor,
    classroom: Classroom,
    start: datetime.date,
    end: datetime.date,
    calendar: DaysOff | None = None,
) -> list[Occurrence]:
    """A class's occurrences done or due between ``start`` and ``end``, as ``actor`` sees them
    (drafts and cancelled occurrences only for those who may edit): two queries (three when
    a repetition asks the calendar)."""
    editor = may_edit(actor, classroom)
    entries = list(entries_touching([classroom.pk], start, end, drafts=editor))
    return expand(
        entries,
        start,
        end,
        overrides_touching(entries, start, end),
        cancelled=editor,
        calendar=calendar,
    )


def notebook(
    actor: Actor, classroom: Classroom, start: datetime.date, end: datetime.date
) -> list[Day]:
    """The days from ``start`` to ``end`` with what was done and what is due (drafts and
    cancelled occurrences only for those who may edit), and why a day has no school: three
    queries."""
    calendar = days_off()
    days = {
        start + datetime.timedelta(days=n): Day(
            start + datetime.timedelta(days=n),
            off_reasons=calendar.reasons(start + datetime.timedelta(days=n)),
        )
        for n in range((end - start).days + 1)
    }
    for occurrence in occurrences_between(actor, classroom, start, end, calendar):
        if occurrence.on in days:
            days[occurrence.on].done.append(occurrence)
        if occurrence.due_on is not None and occurrence.due_on in days and not occurrence.cancelled:
            days[occurrence.due_on].due.append(occurrence)
    return [
        day
        for day in days.values()
        if day.date.weekday() < SCHOOL_DAYS or not day.is_empty or start == end
    ]


def week_off(days: list[Day]) -> str:
    """Why a week has no school at all (« Vacances de Noël »), or empty when it has some: its
    school days are all off."""
    school_days = [day for day in days if day.date.weekday() < SCHOOL_DAYS]
    if not school_days or not all(day.off_reasons for day in school_days):
        return ""
    # Each day's first reason (the holidays before a public holiday in them), once each.
    return " ; ".join(dict.fromkeys(day.off_reasons[0] for day in school_days))


def is_session_day(entry: HomeworkEntry, day: datetime.date) -> bool:
    """Whether a (repeated) entry has a session on ``day``: on its rhythm, not a day off."""
    return repeats.is_session_day(entry, day, days_off())


def skipped_sessions(entry: HomeworkEntry) -> list[repeats.Skipped]:
    """The days a repeated entry has no session because there is no school."""
    if not entry.repeat:
        return []
    return repeats.skipped(entry.on, entry.repeat, entry.repeat_until, days_off())


def current_classrooms_visible_to(actor: Actor) -> QuerySet[Classroom]:
    """For staff: the classes of the year whose cahier de textes they may edit."""
    year = current_year()
    if year is None or not actor.active or not actor.is_school_staff:
        return Classroom.objects.none()
    classes = Classroom.objects.filter(year=year)
    classes = classes.filter(pk__in=actor.taught_class_ids) | classes.filter(
        school_id__in=actor.directed_school_ids
    )
    return classes.select_related("school").order_by(*classroom_order())
