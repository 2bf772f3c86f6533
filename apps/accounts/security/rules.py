"""Who may act on whose second factor (to be merged into ``apps.accounts.permissions``)."""

from __future__ import annotations

from apps.accounts.permissions import Actor, can_manage_account


def can_reset_second_factor(*, actor: Actor, target: Actor) -> bool:
    """Reset a lost second factor: the commune administrator only, for the accounts they
    manage (not their own, not another administrator's). After a reset, whoever knows the
    password enrols the next device: the reset stays with the one role that answers for the
    commune's accounts (and checks who is asking), not with every manager of the account."""
    return actor.is_commune_admin and can_manage_account(actor=actor, target=target)
