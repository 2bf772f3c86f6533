"""Who hears about what in the messagerie: each recipient of a delivered message, the
referents of a report or of a held message. A notification says that there is a message and
from whom, never what it says: its title goes into the e-mail digest of adults who chose it
(pupils never get e-mail, ``apps.notifications``)."""

from __future__ import annotations

from django.urls import reverse

from apps.accounts.models import Profile, User
from apps.french.formatting import de
from apps.messaging.models import Box, Copy, Message, State
from apps.messaging.rules import is_referent
from apps.messaging.selectors import sender_label
from apps.notifications.kinds import register_kind
from apps.notifications.models import Notification
from apps.notifications.services import notify
from apps.schools.models import SchoolMembership, SchoolRole

NEW_MESSAGE = "message"
REPORTED = "message_report"
HELD = "message_held"
TO_MODERATE = "message_to_moderate"


def register_kinds() -> None:
    register_kind(NEW_MESSAGE, "Nouveau message")
    register_kind(REPORTED, "Message signalé")
    register_kind(HELD, "Message retenu")
    register_kind(TO_MODERATE, "Message d'élève à valider")


def notify_delivered(message_id: int) -> list[Notification]:
    message = Message.objects.select_related("sender").filter(pk=message_id).first()
    if message is None or message.state != State.DELIVERED:
        return []
    owners = Copy.objects.filter(message=message, box=Box.INBOX).values("owner_id")
    recipients = User.objects.filter(pk__in=owners)
    return notify(
        recipients=recipients,
        kind=NEW_MESSAGE,
        title=f"Nouveau message {de(sender_label(message))}",
        url=reverse("messaging:message", kwargs={"message_id": message.pk}),
        event=f"message:{message.pk}",
        urgent=message.urgent,
    )


def _referents(school_ids: frozenset[int]) -> list[User]:
    directors = SchoolMembership.objects.filter(
        school_id__in=school_ids, role=SchoolRole.DIRECTOR
    ).values("user_id")
    return list(
        User.objects.filter(pk__in=directors) | User.objects.filter(profile=Profile.COMMUNE_ADMIN)
    )


def notify_referents(message_id: int, what: str) -> list[Notification]:
    """A report (``what="report"``) or a held message (``"held"``) told to its referents."""
    from apps.messaging.services import referent_schools

    message = Message.objects.filter(pk=message_id).first()
    if message is None:
        return []
    schools = referent_schools(message)
    if what == "held":
        kind, title, url = HELD, "Un message est retenu pour vérification", "messaging:held"
    else:
        kind, title, url = REPORTED, "Un message a été signalé", "messaging:reports"
    return notify(
        recipients=_referents(schools),
        kind=kind,
        title=title,
        url=reverse(url),
        may_see=lambda actor: is_referent(actor, schools),
        event=f"{kind}:{message.pk}:{message.reports.count() if what != 'held' else 0}",
    )
