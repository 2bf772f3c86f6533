"""Notifications of the cahier de textes: new work to do, to the class's pupils and families."""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse

from apps.accounts.models import User
from apps.accounts.permissions import Actor, can_view_homework
from apps.homework.models import HomeworkEntry
from apps.notifications.models import Kind, Notification
from apps.notifications.services import notify
from apps.schools.models import Enrolment, EnrolmentStatus, Guardianship

_CURRENT = (EnrolmentStatus.ENROLLED, EnrolmentStatus.LEAVING)


def notify_new_homework(*, entry_id: int) -> list[Notification]:
    """Once a published entry has work to do: its pupils and their guardians are told."""
    entry = (
        HomeworkEntry.objects.select_related("classroom")
        .filter(pk=entry_id, published_at__isnull=False)
        .exclude(todo="")
        .first()
    )
    if entry is None:
        return []
    classroom = entry.classroom
    pupil_ids = list(
        Enrolment.objects.filter(
            classroom=classroom, year_id=classroom.year_id, status__in=_CURRENT
        ).values_list("pupil_id", flat=True)
    )
    child_of: dict[int, int] = {}
    for guardian_id, child_id in Guardianship.objects.filter(child_id__in=pupil_ids).values_list(
        "guardian_id", "child_id"
    ):
        child_of.setdefault(guardian_id, child_id)

    def may_see(actor: Actor) -> bool:
        return can_view_homework(
            viewer=actor, classroom_id=classroom.pk, school_id=classroom.school_id
        )

    title = f"{classroom.name} : travail pour le {entry.due_on or entry.on:%d/%m}"
    created = notify(
        recipients=User.objects.filter(pk__in=pupil_ids),
        kind=Kind.HOMEWORK,
        title=title,
        url=reverse("homework:index"),
        may_see=may_see,
    )
    # Parents land on the notebook of the child concerned.
    by_child: dict[int, list[int]] = defaultdict(list)
    for guardian_id, child_id in child_of.items():
        by_child[child_id].append(guardian_id)
    for child_id, guardian_ids in by_child.items():
        created += notify(
            recipients=User.objects.filter(pk__in=guardian_ids),
            kind=Kind.HOMEWORK,
            title=title,
            url=reverse("homework:child_week", kwargs={"child_id": child_id}),
            may_see=may_see,
        )
    return created
