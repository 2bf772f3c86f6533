"""Who may read the groupement's dashboard: the coordinator, and no one else."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from apps.accounts.models import Profile, User


def can_view_dashboard(*, user: User | AnonymousUser) -> bool:
    """Coordinators only. The second factor is enforced before any view runs
    (``AccountSecurityMiddleware``): a coordinator's session that has not verified one
    never reaches a dashboard page or API."""
    return bool(user.is_authenticated and getattr(user, "profile", None) == Profile.COORDINATOR)
