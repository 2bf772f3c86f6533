"""Who may act on the login side of other accounts (to be merged into apps.accounts.permissions).

Small pure functions: they read, never write, and answer ``False`` for anything they do not
recognise. Views answer 404 alike for "missing" and "forbidden".
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django_tenants.utils import get_public_schema_name

from apps.accounts.models import Profile, User
from apps.schools.models import Enrolment, EnrolmentStatus, SchoolRole
from tenants.db import current_schema

# Profiles that may add a second factor of their own accord (it is mandatory for the
# profiles of ``apps.accounts.models.TWO_FACTOR_REQUIRED``).
TWO_FACTOR_OPTIONAL = frozenset({Profile.TEACHER, Profile.DIRECTOR})

_CURRENT_PUPILS = (EnrolmentStatus.ENROLLED, EnrolmentStatus.LEAVING)


def _active(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.blocked_at is None
    )


def _in_a_commune() -> bool:
    # Schools exist in commune schemas only; the public schema has none.
    return current_schema() != get_public_schema_name()


def can_unlock(user: Any, pupil: User) -> bool:
    """May ``user`` unlock ``pupil`` after failed logins, or reset the pupil's password?

    Yes for a teacher of one of the pupil's classes this year, the director of the pupil's
    school this year, and the commune administrator.
    """
    if not _active(user) or not pupil.is_pupil or user.pk == pupil.pk:
        return False
    if user.profile == Profile.COMMUNE_ADMIN:
        return True
    if not _in_a_commune():
        return False
    return Enrolment.objects.filter(
        Q(classroom__teachers=user)
        | Q(
            classroom__school__memberships__user=user,
            classroom__school__memberships__role=SchoolRole.DIRECTOR,
        ),
        pupil=pupil,
        year__is_current=True,
        status__in=_CURRENT_PUPILS,
    ).exists()


def can_enrol_two_factor(user: Any) -> bool:
    """Mandatory for administrators and coordinators, optional for teachers and directors."""
    return _active(user) and (user.requires_two_factor or user.profile in TWO_FACTOR_OPTIONAL)


def can_block(actor: Any, target: User) -> bool:
    """The commune administrator blocks or unblocks accounts of the commune, never their own
    nor another administrator's (that goes through the groupement)."""
    return (
        _active(actor)
        and actor.profile == Profile.COMMUNE_ADMIN
        and actor.pk != target.pk
        and target.profile not in (Profile.COMMUNE_ADMIN, Profile.COORDINATOR)
    )


def can_view_audit_log(user: Any) -> bool:
    return _active(user) and user.profile == Profile.COMMUNE_ADMIN
