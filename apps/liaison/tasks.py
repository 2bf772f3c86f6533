"""Automatic reminders of the cahier de liaison.

``reminders_all_communes`` runs in the public schema (Celery beat) and queues
``send_reminders`` in every live commune's schema. A published note asking for a confirmation
is reminded, ``ENT_LIAISON_REMINDER_DAYS`` days after its publication and then every as many
days, to the guardians of the children not confirmed yet; a note reminded today (by hand or
automatically) is never reminded again that day, and a note replaced by a correction is not
reminded (its correction is). The delay is one setting for the groupement
for now (a per-commune value would be a model of its own).

The notifications of the cahier de liaison (a note published, a reply, a reminder) are
delivered by the ``deliver_liaison_*`` tasks, queued after commit by ``apps.liaison.services``
so the author's request does not wait for every family to be told. They take ids, run in the
commune's schema the message records, and tell each person once however often they run
(``apps.notifications.services.notify``'s ``event``). Their names keep the ``notifications.``
prefix they were queued with before they moved here: messages already in the outbox or the
broker still find them.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.liaison import notifications
from apps.liaison.models import LiaisonNote, LiaisonPolicy, Reminder
from apps.liaison.selectors import start_of_today, waiting_child_ids
from config.celery import app
from tenants.db import current_schema
from tenants.tasks import commune_task, for_each_live_commune

log = logging.getLogger(__name__)


def reminders_due(*, days: int) -> list[int]:
    """Send the reminders due now in this schema; the ids of the notes reminded."""
    days = max(days, 1)
    now = timezone.now()
    latest = now - datetime.timedelta(days=days)
    candidates = (
        LiaisonNote.objects.filter(
            published_at__isnull=False,
            published_at__lte=latest,
            acknowledgement_required=True,
            # A note replaced by a correction no longer waits: the correction does.
            corrections__isnull=True,
        )
        .exclude(reminders__at__gt=latest)
        .exclude(reminders__at__gte=start_of_today())
        .values_list("pk", flat=True)
        .distinct()
    )
    reminded: list[int] = []
    for note_id in list(candidates):
        with transaction.atomic():
            note = LiaisonNote.objects.select_for_update().get(pk=note_id)
            # Checked again under the lock: a concurrent run (or the author) may have reminded.
            if note.reminders.filter(at__gt=min(latest, start_of_today())).exists():
                continue
            waiting = waiting_child_ids(note)
            if not waiting:
                continue
            Reminder.objects.create(note=note, sent_by=None, child_ids=waiting)
            notifications.notify_guardians(
                note=note, child_ids=waiting, kind=notifications.LIAISON_REMINDER
            )
        reminded.append(note_id)
    return reminded


def reminder_days() -> int:
    """This commune's delay (its LiaisonPolicy), else the groupement's default."""
    days = LiaisonPolicy.objects.filter(pk=1).values_list("reminder_days", flat=True).first()
    return settings.ENT_LIAISON_REMINDER_DAYS if days is None else int(days)


@commune_task("liaison.send_reminders")
def send_reminders() -> dict[str, Any]:
    days = reminder_days()
    if days == 0:
        return {"schema": current_schema(), "notes": [], "off": True}
    reminded = reminders_due(days=days)
    log.info("liaison reminders sent for %d notes", len(reminded))
    return {"schema": current_schema(), "notes": reminded}


@app.task(name="liaison.reminders_all_communes")
def reminders_all_communes() -> list[str]:
    return for_each_live_commune(send_reminders)


@commune_task("notifications.deliver_liaison_note", skipped=0)
def deliver_liaison_note(note_id: int, urgent: bool = False) -> int:
    """``urgent``: the direction's emergency override, told at once despite quiet hours."""
    return len(notifications.notify_note_published(note_id, urgent=urgent))


@commune_task("notifications.deliver_liaison_reply", skipped=0)
def deliver_liaison_reply(reply_id: int) -> int:
    return len(notifications.notify_reply_received(reply_id))


@commune_task("notifications.deliver_liaison_reminder", skipped=0)
def deliver_liaison_reminder(reminder_id: int) -> int:
    return len(notifications.notify_reminder_sent(reminder_id))
