"""Writing to the audit log (reads go through selectors)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from apps.accounts.permissions import Actor
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
    ``import.onde``, ``account.blocked``. ``actor`` is the account that acted, a ``User`` or
    the ``Actor`` a service was handed (its id and name are what the line keeps, so a service
    needs no ``User`` row for it); an anonymous one is recorded as no one.
    """
    actor_id, actor_name = None, ""
    if isinstance(actor, Actor):
        actor_id, actor_name = actor.id, actor.display_name
    elif actor is not None and getattr(actor, "is_authenticated", False):
        actor_id, actor_name = actor.pk, actor.display_name
    return AuditEvent.objects.create(
        action=action,
        actor_id=actor_id,
        actor_name=actor_name,
        target=target[:200],
        ip_address=client_ip(request),
        details=details or {},
    )
