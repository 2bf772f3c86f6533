"""Notifications of the cahier de textes, to the class's pupils and families (and no one else:
``notify`` keeps only those ``can_view_homework`` lets see the class's notebook).

* A new published entry with work to do: "CP A1 : travail pour le 13/11".
* A session changed or cancelled: "CP A1 : séance du 12/11 modifiée (Mathématiques)", "… annulée",
  "… rétablie", linking to that day (pupils: the class's day; parents: their child's day).

The rule for a change, simple enough to explain to a teacher: families are told when what
*they* see of a session changes — whether the session is there at all (cancelled, restored,
removed from or added to a series), its work to do (``todo``) or its due day. Changing only
what was done in class (``done``) or the domain is a correction and is not announced; nor is
anything about a draft (an entry going back to draft included), nor a session before today
(Europe/Paris). One save tells each person once: editing a whole series compares every session
from today on and sends one notification naming the first one that changed ("Séances à partir
du 12/11 modifiées"), and an entry published for the first time gets only the new-entry one.
Deleting a published entry with sessions still to come is told as their cancellation.
The services (``apps.homework.services``) compare before and after and queue the delivery
after commit, so a rolled-back change tells no one; it runs in a Celery task
(``apps.homework.tasks``), out of the teacher's request, and tells each person of one event
once however many times it runs.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable

from django.db import models
from django.urls import reverse

from apps.accounts.models import User
from apps.accounts.permissions import Actor, can_view_homework
from apps.audiences import Audience
from apps.audiences.selectors import audience_guardians, audience_pupils
from apps.french import formatting
from apps.homework.models import HomeworkEntry, Subject
from apps.notifications.kinds import register_kind
from apps.notifications.models import Notification
from apps.notifications.services import notify
from apps.schools.models import Classroom

# The kinds it sends (``Notification.kind``), registered with their labels at start-up.
HOMEWORK = "homework"
HOMEWORK_CHANGE = "homework_change"


def register_kinds() -> None:
    register_kind(HOMEWORK, "Nouveau travail à faire")
    register_kind(HOMEWORK_CHANGE, "Séance modifiée dans le cahier de textes")


# What families see of one session: its work to do and due day, or None when it is not there.
Seen = tuple[str, datetime.date | None] | None


class Change(models.TextChoices):
    MODIFIED = "modified", "modifiée"
    CANCELLED = "cancelled", "annulée"
    RESTORED = "restored", "rétablie"


def session_change(before: Seen, after: Seen) -> Change | None:
    """The change families are told about for one session, or None (see the module's rule)."""
    if before == after:
        return None
    if after is None:
        return Change.CANCELLED
    if before is None:
        return Change.RESTORED
    return Change.MODIFIED


def _tell_the_class(
    classroom: Classroom,
    *,
    kind: str,
    title: str,
    pupil_url: str,
    guardian_url: Callable[[int], str],
    event: str,
) -> list[Notification]:
    """The class's current pupils and their guardians, each with their own link, kept to those
    who may see the class's cahier de textes."""
    audience = Audience.of_class(school_id=classroom.school_id, classroom_id=classroom.pk)
    pupil_ids = [pupil_id for pupil_id, _classroom_id in audience_pupils(audience)]
    child_of: dict[int, int] = {}
    for guardian_id, child_id in audience_guardians(audience):
        child_of.setdefault(guardian_id, child_id)

    def may_see(actor: Actor) -> bool:
        return can_view_homework(
            viewer=actor, classroom_id=classroom.pk, school_id=classroom.school_id
        )

    created = notify(
        recipients=User.objects.filter(pk__in=pupil_ids),
        kind=kind,
        title=title,
        url=pupil_url,
        may_see=may_see,
        event=event,
        school_id=classroom.school_id,
    )
    # Parents land on the notebook of the child concerned.
    by_child: dict[int, list[int]] = defaultdict(list)
    for guardian_id, child_id in child_of.items():
        by_child[child_id].append(guardian_id)
    for child_id, guardian_ids in by_child.items():
        created += notify(
            recipients=User.objects.filter(pk__in=guardian_ids),
            kind=kind,
            title=title,
            url=guardian_url(child_id),
            may_see=may_see,
            event=event,
            school_id=classroom.school_id,
        )
    return created


def _published(entry_id: int) -> HomeworkEntry | None:
    return (
        HomeworkEntry.objects.select_related("classroom")
        .filter(pk=entry_id, published_at__isnull=False)
        .first()
    )


def notify_new_homework(*, entry_id: int) -> list[Notification]:
    """Once a published entry has work to do: its pupils and their guardians are told, once
    per publication (a second run of the same delivery tells no one)."""
    entry = _published(entry_id)
    if entry is None or not entry.todo or entry.published_at is None:
        return []
    return _tell_the_class(
        entry.classroom,
        kind=HOMEWORK,
        title=(
            f"{entry.classroom.name} : travail pour le "
            f"{formatting.jour_mois(entry.due_on or entry.on)}"
        ),
        pupil_url=reverse("homework:index"),
        guardian_url=lambda child_id: reverse("homework:child_week", kwargs={"child_id": child_id}),
        event=f"homework:{entry.pk}:{entry.published_at.timestamp():.6f}",
    )


def change_title(
    *, classroom: str, day: datetime.date, change: str, domain: str, several: bool = False
) -> str:
    # The class leads, as for new work: a parent of two children tells them apart at a glance.
    label = Subject(domain).label if domain in Subject.values else domain
    word = Change(change).label
    if several:
        return f"{classroom} : séances à partir du {formatting.jour_mois(day)} {word}s ({label})"
    return f"{classroom} : séance du {formatting.jour_mois(day)} {word} ({label})"


def notify_homework_change(
    *,
    entry_id: int,
    day: datetime.date,
    change: str,
    domain: str,
    several: bool = False,
    event: str = "",
) -> list[Notification]:
    """A session of a published entry changed in a way families see (decided by the caller with
    ``session_change``): the class's pupils and their guardians are told, with a link to
    that day. Nothing when the entry is gone or back to draft by delivery time. ``event``
    names this one change (see ``notify``)."""
    entry = _published(entry_id)
    if entry is None:
        return []
    return _tell_change(
        entry.classroom, day=day, change=change, domain=domain, several=several, event=event
    )


def notify_homework_removed(
    *,
    classroom_id: int,
    day: datetime.date,
    domain: str,
    several: bool = False,
    event: str = "",
) -> list[Notification]:
    """A published entry was deleted while some of its sessions were still to come: told as
    cancelled (the entry itself is gone, so the caller passes what the message needs)."""
    classroom = Classroom.objects.filter(pk=classroom_id).first()
    if classroom is None:
        return []
    return _tell_change(
        classroom, day=day, change=Change.CANCELLED, domain=domain, several=several, event=event
    )


def _tell_change(
    classroom: Classroom,
    *,
    day: datetime.date,
    change: str,
    domain: str,
    several: bool,
    event: str,
) -> list[Notification]:
    iso = day.isoformat()
    return _tell_the_class(
        classroom,
        kind=HOMEWORK_CHANGE,
        title=change_title(
            classroom=classroom.name, day=day, change=change, domain=domain, several=several
        ),
        pupil_url=reverse("homework:class_day", kwargs={"classroom_id": classroom.pk, "day": iso}),
        guardian_url=lambda child_id: reverse(
            "homework:child_day", kwargs={"child_id": child_id, "day": iso}
        ),
        event=event,
    )
