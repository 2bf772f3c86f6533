"""How long the ENT keeps each kind of personal data, in one place.

Each rule names the data, the duration and the function that enforces it; the nightly task
``privacy.enforce_retention`` runs every rule in every live commune's schema (the leavers'
accounts are purged by the account lifecycle, whose rule only refers to it).
``docs/data-protection.md`` lists the same rules; a test keeps the two in step.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.attachments.services import pending_purge
from apps.audit.models import AuditEvent
from apps.chat.services import posts_purge
from apps.messaging.services import messages_purge, trash_purge
from apps.news.services import news_purge
from apps.notifications.models import Notification
from apps.schools.models import ImportJob


@dataclass(frozen=True)
class RetentionRule:
    key: str
    data: str
    duration: str
    # Deletes what is due at ``now`` in the current schema; returns how many rows went.
    enforce: Callable[[datetime.datetime], int] | None
    enforced_by: str = "privacy.enforce_retention"


def _journal(now: datetime.datetime) -> int:
    cutoff = now - datetime.timedelta(days=settings.ENT_AUDIT_RETENTION_DAYS)
    return AuditEvent.objects.filter(at__lt=cutoff).delete()[0]


def _notifications(now: datetime.datetime) -> int:
    read = now - datetime.timedelta(days=settings.ENT_NOTIFICATION_READ_RETENTION_DAYS)
    any_ = now - datetime.timedelta(days=settings.ENT_NOTIFICATION_RETENTION_DAYS)
    return Notification.objects.filter(Q(read_at__lt=read) | Q(created_at__lt=any_)).delete()[0]


def _login_traces(now: datetime.datetime) -> int:
    cutoff = now - datetime.timedelta(days=settings.ENT_LOGIN_TRACE_RETENTION_DAYS)
    return (
        AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()[0]
        + AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
        + AccessLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
    )


def _import_files(now: datetime.datetime) -> int:
    """The uploaded ONDE files (children's data) are emptied when the import ends; one that a
    crash left behind goes after a day. The job's summary and errors stay."""
    cutoff = now - datetime.timedelta(days=1)
    return (
        ImportJob.objects.filter(created_at__lt=cutoff)
        .exclude(pupils_data=b"", guardians_data=b"")
        .update(pupils_data=b"", guardians_data=b"")
    )


RULES: tuple[RetentionRule, ...] = (
    RetentionRule(
        key="comptes-partis",
        data="Comptes des élèves partis (et des parents sans plus aucun enfant dans la commune)",
        duration="ENT_LEAVER_RETENTION_DAYS (365 jours) après le départ",
        enforce=None,
        enforced_by="accounts.lifecycle_all_communes",
    ),
    RetentionRule(
        key="journal",
        data="Journal de la commune (connexions, actions d'administration)",
        duration="ENT_AUDIT_RETENTION_DAYS (365 jours)",
        enforce=_journal,
    ),
    RetentionRule(
        key="notifications",
        data="Notifications",
        duration="90 jours après leur lecture, 365 jours au plus",
        enforce=_notifications,
    ),
    RetentionRule(
        key="traces-de-connexion",
        data="Traces des essais de connexion (adresse IP, identifiant tapé)",
        duration="ENT_LOGIN_TRACE_RETENTION_DAYS (30 jours)",
        enforce=_login_traces,
    ),
    RetentionRule(
        key="fichiers-onde",
        data="Fichiers ONDE déposés pour un import",
        duration="jusqu'à la fin de l'import ; 1 jour au plus",
        enforce=_import_files,
    ),
    RetentionRule(
        key="pieces-jointes-en-attente",
        data=(
            "Pièces jointes en attente (choisies dans un formulaire refusé, "
            "pas encore enregistrées)"
        ),
        duration="24 heures",
        enforce=pending_purge,
    ),
    RetentionRule(
        key="messages-corbeille",
        data="Messages mis à la corbeille",
        duration="30 jours après leur mise à la corbeille",
        enforce=trash_purge,
    ),
    RetentionRule(
        key="messages",
        data="Messages de la messagerie (et leurs pièces jointes)",
        duration="réglage de la commune : 3 ans par défaut (de 1 à 10 ans)",
        enforce=messages_purge,
    ),
    RetentionRule(
        key="salons",
        data="Messages des salons (et leurs signalements), paroles coupées, présences",
        duration="ENT_CHAT_RETENTION_DAYS (365 jours)",
        enforce=posts_purge,
    ),
    RetentionRule(
        key="actualites",
        data="Actualités (et leurs pièces jointes) et bandeaux d'alerte",
        duration="3 ans après leur fin d'affichage",
        enforce=news_purge,
    ),
)


@transaction.atomic
def retention_enforce(*, now: datetime.datetime | None = None) -> dict[str, int]:
    moment = now or timezone.now()
    return {rule.key: rule.enforce(moment) for rule in RULES if rule.enforce is not None}
