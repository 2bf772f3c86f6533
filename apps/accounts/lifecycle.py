"""The life of an account: its activation code, its state, and the end of it for leavers.

* Every new account gets an **activation code** (printed on its login card) and no usable
  password; the first-login page swaps the code for a password of the person's own. A code
  re-issued for someone who lost their card invalidates the old code *and* the password.
* At the end of a school year, pupils who leave the commune's schools are **deactivated**
  (``left_at``), with the parents who have no child left; once the retention period
  (``settings.ENT_LEAVER_RETENTION_DAYS``) has passed, they are **purged**. The Celery tasks
  of ``apps.accounts.tasks`` run these in every live commune's schema each night.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from apps.accounts.models import Profile, User
from apps.audit.services import record_event
from apps.schools.models import Enrolment, EnrolmentStatus, Guardianship, SchoolYear

# No 0/O, 1/I: the code is read off paper by children and typed by their parents.
ACTIVATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ACTIVATION_CODE_LENGTH = 8


def generate_activation_code() -> str:
    return "".join(secrets.choice(ACTIVATION_ALPHABET) for _ in range(ACTIVATION_CODE_LENGTH))


def issue_activation_code(user: User, *, save: bool = True) -> str:
    """Give ``user`` a fresh activation code; the old code and the password stop working.

    The account is "to activate" again. Imports building many unsaved users pass
    ``save=False`` and save them in bulk.
    """
    user.activation_code = generate_activation_code()
    user.set_unusable_password()
    user.activated_at = None
    if save:
        user.save(update_fields=["activation_code", "password", "activated_at"])
    return user.activation_code


class AccountStatus(StrEnum):
    TO_ACTIVATE = "to_activate"
    ACTIVE = "active"
    BLOCKED = "blocked"
    LEFT = "left"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    AccountStatus.TO_ACTIVATE: "À activer",
    AccountStatus.ACTIVE: "Actif",
    AccountStatus.BLOCKED: "Bloqué",
    AccountStatus.LEFT: "Parti",
}


def account_status(user: User) -> AccountStatus:
    if user.left_at is not None or not user.is_active:
        return AccountStatus.LEFT
    if user.blocked_at is not None:
        return AccountStatus.BLOCKED
    if user.activated_at is None:
        return AccountStatus.TO_ACTIVATE
    return AccountStatus.ACTIVE


def account_is_usable(user: User) -> bool:
    """Can this account log in at all (whatever its credentials)?"""
    return user.is_active and user.blocked_at is None and user.left_at is None


# --- leavers ----------------------------------------------------------------------------------

_LEAVING = (EnrolmentStatus.LEAVING, EnrolmentStatus.LEFT)


@dataclass(frozen=True)
class LeaversDeactivated:
    year: str | None
    pupils: int
    parents: int


@dataclass(frozen=True)
class LeaversPurged:
    accounts: int
    pupils: int
    parents: int
    guardianships: int
    parents_deactivated: int


def _depart(users: list[int], now: datetime.datetime) -> int:
    # The printed code dies with the account; the password hash stays until the purge.
    return User.objects.filter(pk__in=users).update(
        left_at=now, is_active=False, activation_code=""
    )


def _parents_with_no_child_left(candidates: list[int]) -> list[int]:
    """Parents among ``candidates`` none of whose children is still in the commune's schools."""
    present_child = Guardianship.objects.filter(
        guardian_id=OuterRef("pk"), child__left_at__isnull=True
    )
    return list(
        User.objects.filter(pk__in=candidates, profile=Profile.PARENT, left_at__isnull=True)
        .exclude(Exists(present_child))
        .values_list("pk", flat=True)
    )


def ending_year(today: datetime.date) -> SchoolYear | None:
    """The most recent school year that is over on ``today``."""
    return SchoolYear.objects.filter(ends_on__lt=today).order_by("-ends_on").first()


@transaction.atomic
def leavers_deactivate(
    *, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> LeaversDeactivated:
    """Pupils whose enrolment of the year just ended says they leave, and who are enrolled in
    no later year, lose their access (``left_at``, ``is_active=False``); so do their parents
    who have no other child left. Idempotent: it runs every night and acts once."""
    now = now or timezone.now()
    year = ending_year(today or timezone.localdate(now))
    if year is None:
        return LeaversDeactivated(year=None, pupils=0, parents=0)
    later = Enrolment.objects.filter(pupil_id=OuterRef("pk"), year__starts_on__gt=year.starts_on)
    leaving = Enrolment.objects.filter(pupil_id=OuterRef("pk"), year=year, status__in=_LEAVING)
    pupils = list(
        User.objects.filter(Exists(leaving), profile=Profile.PUPIL, left_at__isnull=True)
        .exclude(Exists(later))
        .values_list("pk", flat=True)
    )
    if not pupils:
        return LeaversDeactivated(year=year.label, pupils=0, parents=0)
    _depart(pupils, now)
    guardians = list(
        Guardianship.objects.filter(child_id__in=pupils).values_list("guardian_id", flat=True)
    )
    parents = _parents_with_no_child_left(guardians)
    _depart(parents, now)
    record_event(
        action="accounts.leavers_deactivated",
        target=year.label,
        details={"year": year.label, "pupils": len(pupils), "parents": len(parents)},
    )
    return LeaversDeactivated(year=year.label, pupils=len(pupils), parents=len(parents))


@transaction.atomic
def leavers_purge(*, now: datetime.datetime | None = None) -> LeaversPurged:
    """Delete the accounts that left more than ``ENT_LEAVER_RETENTION_DAYS`` ago, with their
    guardianships. Parents left with no child at all are deactivated now, and purged the same
    way once their own retention period has passed."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.ENT_LEAVER_RETENTION_DAYS)
    doomed = dict(User.objects.filter(left_at__lt=cutoff).values_list("pk", "profile"))
    if not doomed:
        return LeaversPurged(
            accounts=0, pupils=0, parents=0, guardianships=0, parents_deactivated=0
        )
    ids = list(doomed)
    links = Guardianship.objects.filter(Q(child_id__in=ids) | Q(guardian_id__in=ids))
    bereft = set(links.exclude(guardian_id__in=ids).values_list("guardian_id", flat=True))
    guardianships, _ = links.delete()
    User.objects.filter(pk__in=ids).delete()
    orphaned = list(
        User.objects.filter(pk__in=bereft, profile=Profile.PARENT, left_at__isnull=True)
        .exclude(Exists(Guardianship.objects.filter(guardian_id=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )
    _depart(orphaned, now)
    result = LeaversPurged(
        accounts=len(ids),
        pupils=sum(1 for profile in doomed.values() if profile == Profile.PUPIL),
        parents=sum(1 for profile in doomed.values() if profile == Profile.PARENT),
        guardianships=guardianships,
        parents_deactivated=len(orphaned),
    )
    record_event(
        action="accounts.leavers_purged",
        details={
            "accounts": result.accounts,
            "pupils": result.pupils,
            "parents": result.parents,
            "guardianships": result.guardianships,
            "parents_deactivated": result.parents_deactivated,
            "retention_days": settings.ENT_LEAVER_RETENTION_DAYS,
        },
    )
    return result
