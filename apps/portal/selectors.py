"""Reads for the portal: the role dashboards and the administrator's account list."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.lifecycle import AccountStatus, account_status
from apps.accounts.models import Profile, User
from apps.accounts.permissions import Actor
from apps.french.ordering import name_order
from apps.schools.models import (
    DEPLOYED_STATUSES,
    Classroom,
    Enrolment,
    Guardianship,
    School,
    SchoolMembership,
)
from apps.schools.selectors import people_visible_to

# The same states as ``apps.accounts.lifecycle.account_status``, as database filters.
_LEFT = Q(left_at__isnull=False) | Q(is_active=False)
_BLOCKED = ~_LEFT & Q(blocked_at__isnull=False)
_TO_ACTIVATE = ~_LEFT & Q(blocked_at__isnull=True, activated_at__isnull=True)
STATUS_FILTERS = {
    AccountStatus.LEFT: _LEFT,
    AccountStatus.BLOCKED: _BLOCKED,
    AccountStatus.TO_ACTIVATE: _TO_ACTIVATE,
    AccountStatus.ACTIVE: ~_LEFT & ~_BLOCKED & ~_TO_ACTIVATE,
}
STATUS_CHOICES = [(status.value, status.label) for status in AccountStatus]

# The profiles a commune's accounts can have (coordinators live in the public schema).
COMMUNE_PROFILES = [choice for choice in Profile.choices if choice[0] != Profile.COORDINATOR]


def account_listing(
    actor: Actor, *, search: str = "", profile: str = "", status: str = ""
) -> QuerySet[User]:
    """Accounts the actor may see, with ``status``, ``status_label`` and ``has_two_factor`` (a
    confirmed TOTP device) computed by the database, filtered and ordered by name."""
    accounts = people_visible_to(actor)
    for word in search.split()[:5]:
        accounts = accounts.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
        )
    if profile:
        accounts = accounts.filter(profile=profile)
    if status in STATUS_FILTERS:
        accounts = accounts.filter(STATUS_FILTERS[AccountStatus(status)])
    return accounts.annotate(
        status=Case(*(When(rule, then=Value(name.value)) for name, rule in STATUS_FILTERS.items())),
        status_label=Case(
            *(When(rule, then=Value(name.label)) for name, rule in STATUS_FILTERS.items())
        ),
        has_two_factor=Exists(TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)),
    ).order_by(*name_order("last_name", "first_name"), "username")


@dataclass(frozen=True)
class CommuneFigures:
    schools: int
    deployed_schools: int
    classes: int
    accounts_by_profile: dict[str, int]
    to_activate: int


def commune_figures() -> CommuneFigures:
    """The administrator's dashboard: a handful of aggregate queries."""
    schools = School.objects.aggregate(
        total=Count("pk"),
        deployed=Count(
            "pk",
            filter=Q(deployment_status__in=DEPLOYED_STATUSES),
        ),
    )
    classes = Classroom.objects.filter(year__is_current=True).count()
    by_profile = dict(
        User.objects.values_list("profile").annotate(n=Count("pk")).values_list("profile", "n")
    )
    return CommuneFigures(
        schools=schools["total"],
        deployed_schools=schools["deployed"],
        classes=classes,
        accounts_by_profile={
            label: by_profile.get(value, 0)
            for value, label in COMMUNE_PROFILES
            if by_profile.get(value)
        },
        to_activate=accounts_waiting_activation(),
    )


def accounts_waiting_activation() -> int:
    return User.objects.filter(_TO_ACTIVATE).count()


# --- one account, for the commune administrator ------------------------------------------------


@dataclass(frozen=True)
class ChildRow:
    child: User
    link: Guardianship
    classroom: Classroom | None


@dataclass(frozen=True)
class AccountPage:
    """What the administrator's page of one account shows, read in a fixed number of queries."""

    user: User
    status: AccountStatus
    has_two_factor: bool
    memberships: list[SchoolMembership]
    taught: list[Classroom]
    enrolment: Enrolment | None
    guardians: list[Guardianship]
    children: list[ChildRow]


def _current_enrolments(pupil_ids: list[int]) -> dict[int, Enrolment]:
    return {
        e.pupil_id: e
        for e in Enrolment.objects.this_year()
        .filter(pupil_id__in=pupil_ids)
        .select_related("classroom__school")
    }


def account_page(user_id: int) -> AccountPage | None:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return None
    memberships = list(
        SchoolMembership.objects.filter(user=user)
        .select_related("school")
        .order_by("school__name", "role")
    )
    taught = list(
        user.taught_classrooms.filter(year__is_current=True)
        .select_related("school")
        .order_by("school__name", "name")
    )
    enrolment = _current_enrolments([user.pk]).get(user.pk) if user.is_pupil else None
    guardians = list(
        Guardianship.objects.filter(child=user)
        .select_related("guardian")
        .order_by("kind", "guardian__last_name")
    )
    links = list(
        Guardianship.objects.filter(guardian=user)
        .select_related("child")
        .order_by("child__last_name", "child__first_name")
    )
    enrolments = _current_enrolments([link.child_id for link in links])
    children = [
        ChildRow(
            child=link.child,
            link=link,
            classroom=enrolments[link.child_id].classroom if link.child_id in enrolments else None,
        )
        for link in links
    ]
    return AccountPage(
        user=user,
        status=account_status(user),
        has_two_factor=TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        memberships=memberships,
        taught=taught,
        enrolment=enrolment,
        guardians=guardians,
        children=children,
    )


@dataclass(frozen=True)
class SchoolClasses:
    school: School
    classes: list[Classroom]


def schools_with_current_classes() -> list[SchoolClasses]:
    """Every school of the commune with its classes of the current year (two queries)."""
    by_school: dict[int, list[Classroom]] = {}
    for classroom in Classroom.objects.filter(year__is_current=True).order_by("name"):
        by_school.setdefault(classroom.school_id, []).append(classroom)
    return [
        SchoolClasses(school=school, classes=by_school.get(school.pk, []))
        for school in School.objects.order_by("name")
    ]
