"""Writing to the audit log (reads go through selectors)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from apps.audit.models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record_event(
    *,
    action: str,
    actor: Any = None,
    target: str = "",
    details: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Record one event in the current schema's audit log.

    ``action`` is a dotted name such as ``login.success``, ``login.failure``, ``2fa.enabled``,
    ``import.onde``, ``account.blocked``.
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_name=(actor.display_name if actor is not None else ""),
        target=target[:200],
        ip_address=client_ip(request),
        details=details or {},
    )
