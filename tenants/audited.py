"""The audit event of a groupement-wide write, recorded by the service that writes.

A public-schema service (billing, usage corrections) that a coordinator's page calls takes
``by=Requester(user, request)`` and records its event in its own transaction, with the
write: the page parses and renders only. Called without one (seeding, a command, the
monthly invoicing run, tests), the service records nothing itself.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from apps.audit.services import record_event


@dataclass(frozen=True)
class Requester:
    """Who asked for a write: the account and, from a page, the request (address, agent)."""

    user: Any
    request: HttpRequest | None = None

    @classmethod
    def of(cls, request: HttpRequest) -> Requester:
        return cls(user=request.user, request=request)


def plain(value: Any) -> Any:
    """A JSON-friendly value for the audit log's details (dates, decimals as text)."""
    if isinstance(value, int | str | bool) or value is None:
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return str(value)


def audit(by: Requester | None, action: str, target: str, **details: Any) -> None:
    """Record ``action`` on ``target`` for ``by`` (nothing without a requester)."""
    if by is None:
        return
    record_event(
        action=action,
        actor=by.user,
        target=target,
        details={key: plain(value) for key, value in details.items()},
        request=by.request,
    )
