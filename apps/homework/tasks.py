"""Telling the class's families about the cahier de textes, out of the teacher's request.

The services (``apps.homework.services``) queue these after commit through the outbox
(``apps.outbox.queue.queue_task``): telling every family of a class costs a few queries per
page of recipients, which the teacher's page no longer waits for. tenant-schemas-celery
records the commune's schema with the message and the worker runs the task there; outside a
commune's schema a task does nothing.

Each task takes ids and what changed (dates as ISO strings: the messages are JSON) and reads
the rest at delivery time, as the in-request delivery did. A worker dying mid-task runs it
again (late acknowledgement): the ``event`` of each notification makes the second run tell no
one twice (``apps.notifications.services.notify``).
"""

from __future__ import annotations

import datetime

from apps.homework.notifications import (
    notify_homework_change,
    notify_homework_removed,
    notify_new_homework,
)
from tenants.tasks import commune_task


@commune_task("homework.notify_new_homework", skipped=0)
def deliver_new_homework(entry_id: int) -> int:
    """The new-work notifications of one published entry; how many were written."""
    return len(notify_new_homework(entry_id=entry_id))


@commune_task("homework.notify_homework_change", skipped=0)
def deliver_homework_change(
    entry_id: int, day: str, change: str, domain: str, several: bool, event: str
) -> int:
    """One change of a published entry's sessions (``event`` names it); how many were told."""
    return len(
        notify_homework_change(
            entry_id=entry_id,
            day=datetime.date.fromisoformat(day),
            change=change,
            domain=domain,
            several=several,
            event=event,
        )
    )


@commune_task("homework.notify_homework_removed", skipped=0)
def deliver_homework_removed(
    classroom_id: int, day: str, domain: str, several: bool, event: str
) -> int:
    """A deleted entry's sessions still to come, told as cancelled; how many were told."""
    return len(
        notify_homework_removed(
            classroom_id=classroom_id,
            day=datetime.date.fromisoformat(day),
            domain=domain,
            several=several,
            event=event,
        )
    )
