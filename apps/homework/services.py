"""Writes to the cahier de textes. Each service checks ``can_edit_homework`` itself and raises
``HomeworkError`` (views answer 404, the API 404 or 400, so a forbidden act looks missing).

Publishing, and changing or cancelling a published session, tells the class's pupils and
families after commit, in a Celery task (``apps.homework.tasks``) so the teacher's page does not
wait for the whole class to be told; what counts as a change for them is decided in
``apps.homework.notifications`` (its docstring states the rule), from what the services here
compare before and after the write.

Each service takes the author's ``Actor`` (a view hands the caller's, from
``apps.accounts.context``): the rule is checked on it, and its id and name are what is written,
so a service never reads the person's relations again.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.accounts.permissions import Actor, can_edit_homework
from apps.calendar.selectors import days_off
from apps.homework import repeats
from apps.homework.models import REPEAT_DAYS, HomeworkEntry, HomeworkOccurrence, Repeat, Subject
from apps.homework.notifications import Change, Seen, session_change
from apps.homework.publications import ENTRY
from apps.homework.tasks import (
    deliver_homework_change,
    deliver_homework_removed,
    deliver_new_homework,
)
from apps.outbox.queue import queue_after_commit
from apps.publications.models import Publication
from apps.publications.services import publication_create, publication_revised
from apps.richtext.sanitise import sanitise
from apps.schools.models import Classroom


class HomeworkError(Exception):
    """The act is not allowed, or the entry is not coherent."""


def _check_editor(author: Actor, classroom: Classroom) -> None:
    if not can_edit_homework(
        author=author, classroom_id=classroom.pk, school_id=classroom.school_id
    ):
        raise HomeworkError("not allowed to edit this class's cahier de textes")


def last_occurrence(
    on: datetime.date, repeat: str, repeat_until: datetime.date | None
) -> datetime.date:
    """The day of the last occurrence of an entry (``on`` itself when it does not repeat)."""
    if not repeat or repeat_until is None:
        return on
    step = REPEAT_DAYS[Repeat(repeat)]
    return on + datetime.timedelta(days=((repeat_until - on).days // step) * step)


def _fields(
    *,
    domain: str,
    on: datetime.date,
    done: str,
    due_on: datetime.date | None,
    todo: str,
    repeat: str,
    repeat_until: datetime.date | None,
) -> dict[str, object]:
    if domain not in Subject.values or repeat not in Repeat.values:
        raise HomeworkError("unknown domain or repetition")
    done, todo = sanitise(done), sanitise(todo)
    if not done and not todo:
        raise HomeworkError("an entry says what was done or what to do")
    if todo and due_on is None:
        raise HomeworkError("work to do needs the day it is due")
    if due_on is not None and due_on < on:
        raise HomeworkError("work cannot be due before the session")
    if not repeat:
        repeat_until = None
    elif repeat_until is None or repeat_until < on:
        raise HomeworkError("a repeated entry needs an end on or after its first day")
    last = last_occurrence(on, repeat, repeat_until)
    last_day = last + (due_on - on) if due_on else last
    return {
        "domain": domain,
        "on": on,
        "done": done,
        "due_on": due_on if todo else None,
        "todo": todo,
        "repeat": repeat,
        "repeat_until": repeat_until,
        "last_day": last_day,
    }


@transaction.atomic
def homework_entry_create(
    *,
    author: Actor,
    classroom: Classroom,
    domain: str,
    on: datetime.date,
    done: str = "",
    due_on: datetime.date | None = None,
    todo: str = "",
    repeat: str = Repeat.NONE,
    repeat_until: datetime.date | None = None,
    publish: bool = True,
) -> HomeworkEntry:
    """A new entry, published at once unless ``publish`` is False (a draft)."""
    _check_editor(author, classroom)
    fields = _fields(
        domain=domain,
        on=on,
        done=done,
        due_on=due_on,
        todo=todo,
        repeat=repeat,
        repeat_until=repeat_until,
    )
    publication = publication_create(
        kind=ENTRY, author_id=author.id, published_at=timezone.now() if publish else None
    )
    entry = HomeworkEntry.objects.create(
        publication=publication,
        classroom=classroom,
        author_id=author.id,
        author_name=author.display_name,
        published_at=publication.published_at,
        **fields,
    )
    if publish:
        _notify_after_commit(entry)
    return entry


def _notify_after_commit(entry: HomeworkEntry) -> None:
    queue_after_commit(deliver_new_homework, entry.pk)


def _event(what: str, object_id: int) -> str:
    # One key per change queued: the task run twice tells once, two changes tell twice.
    return f"{what}:{object_id}:{uuid.uuid4().hex}"


# --- what families see of sessions, compared before and after a change ---------------------


def _series_seen(
    *,
    on: datetime.date,
    repeat: str,
    repeat_until: datetime.date | None,
    todo: str,
    due_on: datetime.date | None,
    overrides: dict[datetime.date, HomeworkOccurrence],
    since: datetime.date,
) -> dict[datetime.date, Seen]:
    """What families see of each session of a series from ``since`` on (cancelled ones and
    the days without school are left out); an override counts only on a day that is still
    one of the series'."""
    lag = due_on - on if due_on else None
    calendar = days_off()
    step = REPEAT_DAYS[Repeat(repeat)] if repeat else None
    last = last_occurrence(on, repeat, repeat_until)
    day = on
    if step and day < since:  # skip the past sessions without walking them
        day += datetime.timedelta(days=-((on - since).days // step) * step)
    seen: dict[datetime.date, Seen] = {}
    while day <= last:
        override = overrides.get(day)
        if repeats.skips(on, day, calendar):
            pass  # no session: nothing seen, even if an override was written before
        elif override is None:
            seen[day] = (todo, day + lag if lag is not None else None)
        elif not override.cancelled:
            seen[day] = (override.todo, override.due_on)
        if step is None:
            break
        day += datetime.timedelta(days=step)
    return {day: what for day, what in seen.items() if day >= since}


def _series_fields(entry: HomeworkEntry) -> dict[str, Any]:
    return {
        name: getattr(entry, name) for name in ("on", "repeat", "repeat_until", "todo", "due_on")
    }


def _overrides_from(
    entry: HomeworkEntry, since: datetime.date
) -> dict[datetime.date, HomeworkOccurrence]:
    return {o.on: o for o in HomeworkOccurrence.objects.filter(entry=entry, on__gte=since)}


def _occurrence_seen(
    entry: HomeworkEntry, on: datetime.date, override: HomeworkOccurrence | None
) -> Seen:
    if override is not None:
        return None if override.cancelled else (override.todo, override.due_on)
    lag = entry.due_on - entry.on if entry.due_on else None
    return (entry.todo, on + lag if lag is not None else None)


def _tell_families_after_commit(
    entry: HomeworkEntry,
    *,
    day: datetime.date,
    before: Seen,
    after: Seen,
    domain: str,
) -> None:
    """One session's change, when families see it (see ``session_change``)."""
    change = session_change(before, after)
    if change is not None:
        _queue_change(entry, day=day, change=change, domain=domain)


def _queue_change(
    entry: HomeworkEntry, *, day: datetime.date, change: str, domain: str, several: bool = False
) -> None:
    if not entry.is_published or day < timezone.localdate():
        return
    queue_after_commit(
        deliver_homework_change,
        entry.pk,
        day.isoformat(),
        str(change),
        domain,
        several,
        _event("homework_change", entry.pk),
    )


@transaction.atomic
def homework_entry_update(
    *,
    author: Actor,
    entry: HomeworkEntry,
    domain: str,
    on: datetime.date,
    done: str = "",
    due_on: datetime.date | None = None,
    todo: str = "",
    repeat: str = Repeat.NONE,
    repeat_until: datetime.date | None = None,
    publish: bool = True,
) -> HomeworkEntry:
    """Change an entry (and so all its occurrences); ``publish`` False puts it back to draft."""
    _check_editor(author, entry.classroom)
    fields = _fields(
        domain=domain,
        on=on,
        done=done,
        due_on=due_on,
        todo=todo,
        repeat=repeat,
        repeat_until=repeat_until,
    )
    # Families hear of a published series' change only if it stays published (first
    # publication has its own notification; a draft is nobody's business but the teachers').
    tell = publish and entry.is_published
    if tell:
        today = timezone.localdate()
        overrides = _overrides_from(entry, today)
        seen_before = _series_seen(**_series_fields(entry), overrides=overrides, since=today)
    for name, value in fields.items():
        setattr(entry, name, value)
    # Occurrences changed alone stay as they are (the form says so); one whose work is due
    # later than the series' still has to be found by the week query.
    entry.last_day = max(entry.last_day, _latest_override_due(entry) or entry.last_day)
    newly_published = publish and entry.published_at is None
    if newly_published:
        entry.published_at = timezone.now()
    elif not publish:
        entry.published_at = None
    entry.save()
    publication_revised(entry.publication, published_at=entry.published_at)
    if newly_published:
        _notify_after_commit(entry)
    elif tell:
        seen_after = _series_seen(**_series_fields(entry), overrides=overrides, since=today)
        changed = sorted(
            day
            for day in seen_before.keys() | seen_after.keys()
            if seen_before.get(day) != seen_after.get(day)
        )
        if changed:
            cancelled = all(day not in seen_after for day in changed)
            _queue_change(
                entry,
                day=changed[0],
                change=Change.CANCELLED if cancelled else Change.MODIFIED,
                domain=entry.domain,
                several=len(changed) > 1,
            )
    return entry


@transaction.atomic
def homework_entry_delete(*, author: Actor, entry: HomeworkEntry) -> None:
    """Delete an entry and all its sessions. Families who could see sessions still to come
    are told they are cancelled (after commit), as when they are cancelled one by one."""
    _check_editor(author, entry.classroom)
    upcoming: list[datetime.date] = []
    if entry.is_published:
        today = timezone.localdate()
        seen = _series_seen(
            **_series_fields(entry), overrides=_overrides_from(entry, today), since=today
        )
        upcoming = sorted(seen)
    entry_id, classroom_id, domain = entry.pk, entry.classroom_id, entry.domain
    # The publication goes, and with it the entry (and its sessions) and its files.
    Publication.objects.filter(pk=entry.publication_id).delete()
    if upcoming:
        queue_after_commit(
            deliver_homework_removed,
            classroom_id,
            upcoming[0].isoformat(),
            domain,
            len(upcoming) > 1,
            _event("homework_removed", entry_id),
        )


# --- one occurrence of a repeated entry ("cette séance seulement") --------------------------


def _latest_override_due(entry: HomeworkEntry) -> datetime.date | None:
    """The latest due day among the overrides that still fall on a day of the series."""
    if entry.pk is None:
        return None
    rows = HomeworkOccurrence.objects.filter(
        entry=entry, cancelled=False, due_on__isnull=False
    ).values_list("on", "due_on")
    calendar = days_off()
    dues = [
        due for on, due in rows if due is not None and repeats.is_session_day(entry, on, calendar)
    ]
    return max(dues, default=None)


def _refresh_last_day(entry: HomeworkEntry) -> None:
    last = last_occurrence(entry.on, entry.repeat, entry.repeat_until)
    series_last = last + (entry.due_on - entry.on) if entry.due_on else last
    latest = _latest_override_due(entry)
    entry.last_day = max(series_last, latest) if latest else series_last
    entry.save(update_fields=["last_day", "updated_at"])


def _check_occurrence(author: Actor, entry: HomeworkEntry, on: datetime.date) -> None:
    _check_editor(author, entry.classroom)
    if not entry.repeat or not repeats.is_session_day(entry, on, days_off()):
        raise HomeworkError("no such occurrence of a repeated entry")


@transaction.atomic
def homework_occurrence_update(
    *,
    author: Actor,
    entry: HomeworkEntry,
    on: datetime.date,
    domain: str,
    done: str = "",
    due_on: datetime.date | None = None,
    todo: str = "",
) -> HomeworkOccurrence:
    """Change the occurrence of ``entry`` on ``on`` alone (un-cancelling it if it was); the
    series and its other occurrences are untouched."""
    _check_occurrence(author, entry, on)
    fields = _fields(
        domain=domain, on=on, done=done, due_on=due_on, todo=todo, repeat="", repeat_until=None
    )
    replacement: dict[str, Any] = {
        name: fields[name] for name in ("domain", "done", "due_on", "todo")
    }
    before = _occurrence_seen(
        entry, on, HomeworkOccurrence.objects.filter(entry=entry, on=on).first()
    )
    override, _created = HomeworkOccurrence.objects.update_or_create(
        entry=entry, on=on, defaults={**replacement, "cancelled": False, "author_id": author.id}
    )
    _refresh_last_day(entry)
    _tell_families_after_commit(
        entry,
        day=on,
        before=before,
        after=(override.todo, override.due_on),
        domain=override.domain,
    )
    return override


@transaction.atomic
def homework_occurrence_cancel(
    *, author: Actor, entry: HomeworkEntry, on: datetime.date
) -> HomeworkOccurrence:
    """Cancel the occurrence of ``entry`` on ``on`` alone: pupils and parents no longer see it.
    What it said (the series' or its own change) is kept, so restoring it is one step."""
    _check_occurrence(author, entry, on)
    override = HomeworkOccurrence.objects.filter(entry=entry, on=on).first()
    before = _occurrence_seen(entry, on, override)
    if override is None:
        lag = entry.due_on - entry.on if entry.due_on else None
        override = HomeworkOccurrence(
            entry=entry,
            on=on,
            domain=entry.domain,
            done=entry.done,
            todo=entry.todo,
            due_on=on + lag if lag is not None else None,
        )
    override.cancelled = True
    override.author_id = author.id
    override.save()
    _refresh_last_day(entry)
    _tell_families_after_commit(entry, day=on, before=before, after=None, domain=override.domain)
    return override


@transaction.atomic
def homework_occurrence_restore(*, author: Actor, entry: HomeworkEntry, on: datetime.date) -> None:
    """The occurrence on ``on`` says again what the series says (change or cancel undone)."""
    _check_occurrence(author, entry, on)
    override = HomeworkOccurrence.objects.filter(entry=entry, on=on).first()
    if override is None:
        return
    override.delete()
    _refresh_last_day(entry)
    _tell_families_after_commit(
        entry,
        day=on,
        before=_occurrence_seen(entry, on, override),
        after=_occurrence_seen(entry, on, None),
        domain=entry.domain,
    )
