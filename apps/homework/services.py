"""Writes to the cahier de textes. Each service checks ``can_edit_homework`` itself and raises
``HomeworkError`` (views answer 404, the API 404 or 400, so a forbidden act looks missing)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.permissions import can_edit_homework
from apps.accounts.selectors import actor_for
from apps.homework.formatting import sanitise
from apps.homework.models import REPEAT_DAYS, Domain, HomeworkEntry, Repeat
from apps.schools.models import Classroom


class HomeworkError(Exception):
    """The act is not allowed, or the entry is not coherent."""


def _check_editor(author: User, classroom: Classroom) -> None:
    if not can_edit_homework(
        author=actor_for(author), classroom_id=classroom.pk, school_id=classroom.school_id
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
    if domain not in Domain.values or repeat not in Repeat.values:
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
    author: User,
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
    entry = HomeworkEntry.objects.create(
        classroom=classroom,
        author=author,
        author_name=author.display_name,
        published_at=timezone.now() if publish else None,
        **fields,
    )
    if publish:
        _notify_after_commit(entry)
    return entry


def _notify_after_commit(entry: HomeworkEntry) -> None:
    # Imported here: the notifications app imports the homework models.
    from apps.notifications.homework import notify_new_homework
    from apps.notifications.services import on_commit_in_this_schema

    entry_id = entry.pk
    on_commit_in_this_schema(lambda: notify_new_homework(entry_id=entry_id))


@transaction.atomic
def homework_entry_update(
    *,
    author: User,
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
    for name, value in fields.items():
        setattr(entry, name, value)
    newly_published = publish and entry.published_at is None
    if newly_published:
        entry.published_at = timezone.now()
    elif not publish:
        entry.published_at = None
    entry.save()
    if newly_published:
        _notify_after_commit(entry)
    return entry


@transaction.atomic
def homework_entry_delete(*, author: User, entry: HomeworkEntry) -> None:
    _check_editor(author, entry.classroom)
    entry.delete()
