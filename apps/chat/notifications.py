"""Who hears about what in the rooms: the referents of a report (the direction of the room's
school, the commune administrator). The notification says that a post was reported, never
what it says."""

from __future__ import annotations

from django.urls import reverse

from apps.accounts.models import Profile, User
from apps.chat.models import Report
from apps.notifications.kinds import register_kind
from apps.notifications.models import Notification
from apps.notifications.services import notify
from apps.schools.models import SchoolMembership, SchoolRole

REPORTED = "chat_report"


def register_kinds() -> None:
    register_kind(REPORTED, "Message de salon signalé")


def notify_report(report: Report) -> list[Notification]:
    school_id = report.post.room.school_id
    directors = SchoolMembership.objects.filter(
        school_id=school_id, role=SchoolRole.DIRECTOR
    ).values("user_id")
    referents = User.objects.filter(pk__in=directors) | User.objects.filter(
        profile=Profile.COMMUNE_ADMIN
    )
    return notify(
        recipients=referents,
        kind=REPORTED,
        title="Un message de salon a été signalé",
        url=reverse("chat:reports"),
        may_see=lambda actor: actor.is_commune_admin or school_id in actor.directed_school_ids,
        event=f"{REPORTED}:{report.pk}",
    )
