"""Who may see which commune's billing."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from apps.accounts.models import Profile, User
from tenants.models import Commune


@dataclass(frozen=True)
class BillingScope:
    """The communes whose billing a user may read; ``commune_ids=None`` means every commune.

    Only ``billing_scope_for`` builds one, so a selector's scope always comes from a user.
    """

    commune_ids: frozenset[int] | None
    _token: object

    @property
    def is_groupement_wide(self) -> bool:
        return self.commune_ids is None


_TOKEN = object()


def can_manage_billing(*, user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and getattr(user, "profile", None) == Profile.COORDINATOR)


def billing_scope_for(
    *, user: User | AnonymousUser, commune: Commune | None = None
) -> BillingScope:
    """Coordinators (public schema) see every commune; a commune administrator only the
    commune whose schema they belong to, which the caller passes as ``commune``."""
    if can_manage_billing(user=user):
        return BillingScope(commune_ids=None, _token=_TOKEN)
    if (
        user.is_authenticated
        and getattr(user, "profile", None) == Profile.COMMUNE_ADMIN
        and commune is not None
    ):
        return BillingScope(commune_ids=frozenset({commune.pk}), _token=_TOKEN)
    raise PermissionDenied("Accès à la facturation refusé.")
