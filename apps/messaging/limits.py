"""How much each profile may send before a message is held for a referent: recipients per
message and messages per hour. A hijacked account (March 2024) writes to many people fast;
these bounds catch that without hindering ordinary use. A commune may change them
(``CommuneSettings.limits``); ``None`` means no bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apps.accounts.models import Profile


@dataclass(frozen=True)
class Limit:
    recipients: int | None
    per_hour: int | None


DEFAULTS: dict[str, Limit] = {
    Profile.PUPIL: Limit(recipients=5, per_hour=10),
    Profile.PARENT: Limit(recipients=5, per_hour=15),
    Profile.STAFF: Limit(recipients=60, per_hour=30),
    Profile.TEACHER: Limit(recipients=120, per_hour=40),
    Profile.DIRECTOR: Limit(recipients=1500, per_hour=60),
    Profile.COMMUNE_ADMIN: Limit(recipients=None, per_hour=None),
}


def _bound(value: Any, default: int | None) -> int | None:
    if value is None:
        return default
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return default


def limits_for(profile: str, settings: dict[str, Any]) -> Limit:
    """The profile's limits: the commune's setting for each bound it sets, else the default."""
    default = DEFAULTS.get(profile, Limit(recipients=5, per_hour=10))
    own = settings.get(profile) if isinstance(settings, dict) else None
    if not isinstance(own, dict):
        return default
    return Limit(
        recipients=_bound(own.get("recipients"), default.recipients),
        per_hour=_bound(own.get("per_hour"), default.per_hour),
    )


def passed(limit: Limit, *, recipients: int, sent_last_hour: int) -> str | None:
    """Why a message passes the limits (French, for the referent), or None."""
    if limit.recipients is not None and recipients > limit.recipients:
        return f"{recipients} destinataires pour une limite de {limit.recipients} par message"
    if limit.per_hour is not None and sent_last_hour >= limit.per_hour:
        return f"plus de {limit.per_hour} messages envoyés en une heure"
    return None
