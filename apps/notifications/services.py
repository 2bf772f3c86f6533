"""Writes: notifying people, marking read, the e-mail preference and the daily digest.

``notify`` is the one entry point for other apps (liaison, homework): it drops inactive
accounts and, given ``may_see``, everyone whose Actor may not see what the notification
points at — the caller states the rule, this module applies it in constant queries.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.permissions import Actor, may_send_external_email
from apps.accounts.selectors import actors_for, profile_actor
from apps.live import push as live
from apps.notifications.models import Notification, NotificationPreference
from apps.notifications.selectors import delivered
from apps.notifications.topics import BADGE_TOPIC
from apps.outbox.queue import queue_after_commit as queue_after_commit  # for the notebooks
from apps.quiethours import clock
from apps.quiethours.schedule import delivery_time
from apps.quiethours.selectors import schedule_for

log = logging.getLogger(__name__)


class NotificationError(Exception):
    """The act is not allowed."""


def _active(user: User) -> bool:
    return user.is_active and user.blocked_at is None and user.left_at is None


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    url: str,
    may_see: Callable[[Actor], bool] | None = None,
    event: str = "",
    school_id: int | None = None,
    urgent: bool = False,
) -> list[Notification]:
    """One notification per recipient who is active and (given ``may_see``) may see it.

    Given ``event`` (what is told, e.g. ``"liaison_note:12"``), those already told of it are
    left out: a delivery task run again after a worker crash tells no one twice (and the
    unique constraint on (recipient, event) stops two runs racing each other).

    Quiet hours: the notification is delivered when the slots of ``school_id`` (the school
    concerned; ``None``: the commune's) say, held until then (``release_due``). ``urgent``
    delivers it at once; the caller has had the override allowed and journalled
    (``apps.quiethours.services.emergency_override_record``)."""
    people = {user.pk: user for user in recipients if _active(user)}
    if event and people:
        told = Notification.objects.filter(event=event, recipient_id__in=people)
        for pk in told.values_list("recipient_id", flat=True):
            people.pop(pk, None)
    if may_see is not None and people:
        actors = actors_for(people.values())
        people = {pk: user for pk, user in people.items() if may_see(actors[pk])}
    if not people:
        return []
    now, due = _delivery(school_id, urgent)
    if due <= now:
        live.changed(people, BADGE_TOPIC)
    return Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=kind,
            title=title[:200],
            url=url,
            event=event[:100],
            deliver_at=due,
            delivered_at=now if due <= now else None,
            urgent=urgent,
        )
        for user in people.values()
    )


# --- quiet hours ---------------------------------------------------------------------------


def _delivery(school_id: int | None, urgent: bool) -> tuple[datetime.datetime, datetime.datetime]:
    """(now, when the notification is due) under the quiet hours of ``school_id``."""
    now = clock.now()
    if urgent or not settings.ENT_QUIET_HOURS:
        return now, now
    return now, delivery_time(now, schedule_for(school_id))


RELEASE_BATCH = 1000


def release_due(now: datetime.datetime) -> list[int]:
    """Deliver this commune's held notifications due at ``now``; the ids delivered.

    Once: each batch locks its rows and skips those another run holds, and only rows still
    held are delivered, so two runs racing (or a run repeated) deliver nothing twice."""
    released: list[int] = []
    while True:
        with transaction.atomic():
            ids = list(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(delivered_at__isnull=True, deliver_at__lte=now)
                .order_by("deliver_at", "id")
                .values_list("pk", flat=True)[:RELEASE_BATCH]
            )
            if not ids:
                return released
            Notification.objects.filter(pk__in=ids, delivered_at__isnull=True).update(
                delivered_at=now
            )
            live.changed(
                Notification.objects.filter(pk__in=ids).values_list("recipient_id", flat=True),
                BADGE_TOPIC,
            )
        released += ids


def notification_mark_read(*, user: User, notification_id: int) -> bool:
    """False when the notification is missing or someone else's (the view answers 404)."""
    found = delivered().filter(pk=notification_id, recipient=user)
    if not found.exists():
        return False
    if found.filter(read_at__isnull=True).update(read_at=timezone.now()):
        live.changed([user.pk], BADGE_TOPIC)  # their other pages
    return True


def notifications_mark_all_read(*, user: User) -> int:
    done = delivered().filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    if done:
        live.changed([user.pk], BADGE_TOPIC)
    return done


def preference_set_email_digest(*, user: User, enabled: bool) -> NotificationPreference:
    """Adults may opt in; a pupil never can (``may_send_external_email``)."""
    if enabled and not may_send_external_email(actor=profile_actor(user)):
        raise NotificationError("no e-mail for this account")
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_digest": enabled}
    )
    return preference


@dataclass(frozen=True)
class DigestResult:
    sent: int
    notifications: int


def digests_send() -> DigestResult:
    """This commune's daily digests: one e-mail per opted-in adult with unsent notifications.

    The rule is checked again at sending time, so a preference row written for a pupil (or an
    account blocked since) sends nothing.
    """
    today = timezone.localdate()
    sent = counted = 0
    preferences = (
        NotificationPreference.objects.filter(email_digest=True)
        .exclude(last_digest_on=today)
        .exclude(user__email="")
        .select_related("user")
    )
    for preference in preferences:
        user = preference.user
        if not may_send_external_email(actor=profile_actor(user)):
            continue
        with transaction.atomic():
            locked = NotificationPreference.objects.select_for_update().get(pk=preference.pk)
            if locked.last_digest_on == today:
                continue
            pending = list(
                delivered()
                .select_for_update()
                .filter(recipient=user, emailed_at__isnull=True, read_at__isnull=True)
                .order_by("created_at", "id")
            )
            if not pending:
                continue
            body = render_to_string(
                "notifications/digest_email.txt", {"user": user, "notifications": pending}
            )
            send_mail(
                subject=f"ENT : {len(pending)} nouveauté{'s' if len(pending) > 1 else ''}",
                message=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[user.email],
            )
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
                emailed_at=timezone.now()
            )
            locked.last_digest_on = today
            locked.save(update_fields=["last_digest_on"])
        sent += 1
        counted += len(pending)
    return DigestResult(sent=sent, notifications=counted)
