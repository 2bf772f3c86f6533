"""Changing a commune's status: deployment steps, suspension, return, archiving.

The transitions allowed:

* forward through deployment: pilot → deploying → active (a step may be skipped,
  pilot → active); never backwards;
* any live status (pilot, deploying, active) → suspended: the commune's hosts show the
  "service suspendu" page, its hosting stops being counted that day;
* suspended → the live status it had before its suspension, as the journal recorded it
  (any live status when the journal does not say, e.g. a commune suspended by hand);
* any status → archived, which is final: nothing serves it again, its schema is kept.

Each change is one transaction in the public schema: the status, the routing stamp (moved
on commit by the ``Commune`` post_save signal, so every process drops its host cache), the
day's class-count snapshot when the commune stops or starts being served, and the audit
event. Bad input raises ``ProvisioningError`` with one line, and nothing is changed.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import record_event
from provisioning.services import ProvisioningError
from tenants.db import use_public_schema
from tenants.models import LIVE_STATUSES, Commune, CommuneStatus
from tenants.usage.models import ClassCountSnapshot
from tenants.usage.services import class_count_snapshot_record, class_count_snapshot_stop

log = logging.getLogger(__name__)

ACTION = "commune.status_changed"

_FORWARD: dict[str, frozenset[str]] = {
    CommuneStatus.PILOT: frozenset({CommuneStatus.DEPLOYING, CommuneStatus.ACTIVE}),
    CommuneStatus.DEPLOYING: frozenset({CommuneStatus.ACTIVE}),
    CommuneStatus.ACTIVE: frozenset(),
}
# In the order an operator reads them in an error message.
_ORDER = list(CommuneStatus.values)


@dataclass(frozen=True)
class StatusChange:
    """What a change did (or, for a dry run, would do)."""

    commune: Commune
    previous: str
    status: str
    on: datetime.date
    # The snapshot recorded that day when the commune stopped or started being served.
    snapshot: ClassCountSnapshot | None = None
    dry_run: bool = False

    @property
    def stops_service(self) -> bool:
        return self.previous in LIVE_STATUSES and self.status not in LIVE_STATUSES

    @property
    def resumes_service(self) -> bool:
        return self.previous not in LIVE_STATUSES and self.status in LIVE_STATUSES


def status_label(status: str) -> str:
    return str(CommuneStatus(status).label)


def _today() -> datetime.date:
    # One seam for the tests: the day a change takes effect is today, in Europe/Paris.
    return timezone.localdate()


def _status_before_suspension(commune: Commune) -> str | None:
    details = (
        AuditEvent.objects.filter(
            action=ACTION, target=commune.slug, details__to=CommuneStatus.SUSPENDED
        )
        .order_by("-at", "-pk")
        .values_list("details", flat=True)
        .first()
    )
    previous = details.get("from") if isinstance(details, dict) else None
    return previous if previous in LIVE_STATUSES else None


def allowed_statuses(commune: Commune) -> list[str]:
    """The statuses ``commune`` may go to from its current one, in the usual order."""
    current = commune.status
    allowed: set[str]
    if current == CommuneStatus.ARCHIVED:
        allowed = set()
    elif current == CommuneStatus.SUSPENDED:
        before = _status_before_suspension(commune)
        allowed = {before} if before else set(LIVE_STATUSES)
        allowed.add(CommuneStatus.ARCHIVED)
    else:
        allowed = set(_FORWARD[current]) | {CommuneStatus.SUSPENDED, CommuneStatus.ARCHIVED}
    return [status for status in _ORDER if status in allowed]


def _locked(commune: Commune | str) -> Commune:
    rows = Commune.objects.select_for_update()
    if isinstance(commune, Commune):
        found = rows.filter(pk=commune.pk).first()
        name = commune.slug
    else:
        name = (commune or "").strip().lower()
        found = rows.filter(slug=name).first() if name else None
    if found is None:
        raise ProvisioningError(f"Commune inconnue : « {name} ».")
    return found


def _check(commune: Commune, to: str) -> None:
    if commune.status == to:
        raise ProvisioningError(
            f"{commune.name} est déjà « {status_label(to)} » : rien n'a changé."
        )
    if commune.status == CommuneStatus.ARCHIVED:
        raise ProvisioningError(
            f"{commune.name} est archivée : une commune archivée ne change plus de statut."
        )
    allowed = allowed_statuses(commune)
    if to not in allowed:
        choices = ", ".join(f"« {status_label(status)} » ({status})" for status in allowed)
        raise ProvisioningError(
            f"{commune.name} ne peut pas passer de « {status_label(commune.status)} » à "
            f"« {status_label(to)} » : statuts possibles {choices}."
        )


def commune_status_change(
    *,
    commune: Commune | str,
    to: str,
    reason: str,
    actor: User | None = None,
    dry_run: bool = False,
) -> StatusChange:
    """Move ``commune`` (a Commune or its slug) to status ``to``, for ``reason``.

    When the commune stops being served, that day's snapshot gets 0 deployed classes and
    schools (its schema is not read), so hosting carried forward stops that day; when it is
    served again, its classes are counted right away. ``actor`` is the coordinator who asked,
    None for an operator's command.
    """
    use_public_schema()
    to = (to or "").strip().lower()
    reason = " ".join((reason or "").split())
    if to not in CommuneStatus.values:
        raise ProvisioningError(
            f"Statut inconnu : « {to} » (attendu : {', '.join(CommuneStatus.values)})."
        )
    if not reason:
        raise ProvisioningError("Le motif du changement de statut est vide.")
    try:
        with transaction.atomic():
            locked = _locked(commune)
            _check(locked, to)
            change = _apply(commune=locked, to=to, reason=reason, actor=actor, dry_run=dry_run)
    except DatabaseError as exc:
        # Counting the classes of a commune served again reads its schema; a schema that
        # cannot be read leaves the commune as it was.
        log.exception("status change of %s failed", getattr(commune, "slug", commune))
        raise ProvisioningError(
            f"Le changement de statut a échoué ({exc.__class__.__name__}) : rien n'a changé."
        ) from exc
    if isinstance(commune, Commune) and not dry_run:
        commune.status, commune.activated_at = change.status, change.commune.activated_at
    if not dry_run:
        log.info("commune %s: %s → %s", change.commune.slug, change.previous, change.status)
    return change


def _apply(
    *, commune: Commune, to: str, reason: str, actor: User | None, dry_run: bool
) -> StatusChange:
    previous, day = commune.status, _today()
    if dry_run:
        return StatusChange(commune=commune, previous=previous, status=to, on=day, dry_run=True)
    commune.status = to
    fields = ["status"]
    if to == CommuneStatus.ACTIVE and commune.activated_at is None:
        commune.activated_at = timezone.now()
        fields.append("activated_at")
    # post_save moves the routing stamp once this transaction commits (tenants/signals.py).
    commune.save(update_fields=fields)
    change = StatusChange(commune=commune, previous=previous, status=to, on=day)
    snapshot = None
    if change.stops_service:
        snapshot = class_count_snapshot_stop(commune=commune, on=day)
    elif change.resumes_service:
        snapshot = class_count_snapshot_record(commune=commune, on=day)
    details: dict[str, object] = {
        "commune": commune.slug,
        "from": previous,
        "to": to,
        "reason": reason,
    }
    if snapshot is not None:
        details["snapshot"] = {
            "date": snapshot.date.isoformat(),
            "deployed_classes": snapshot.deployed_classes,
            "deployed_schools": snapshot.deployed_schools,
        }
    record_event(action=ACTION, actor=actor, target=commune.slug, details=details)
    return StatusChange(commune=commune, previous=previous, status=to, on=day, snapshot=snapshot)
