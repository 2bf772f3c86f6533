"""Reads of the audit log."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from apps.audit.models import AuditEvent

EVENTS_PER_PAGE = 50


def audit_events(*, action: str = "") -> QuerySet[AuditEvent]:
    """Newest first. The page shows the names stored on each line: no join, whatever the
    number of events."""
    events = AuditEvent.objects.only(
        "at", "action", "actor_name", "target", "ip_address", "details"
    ).order_by("-at", "-pk")
    if action:
        events = events.filter(action=action)
    return events


def audit_event_page(*, action: str = "", page: str | int | None = 1) -> Page[AuditEvent]:
    return Paginator(audit_events(action=action), EVENTS_PER_PAGE).get_page(page)
