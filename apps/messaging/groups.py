"""Groups as people meet them: the groups a sender is offered, with their French labels, and
who a group holds when a message to it is delivered.

Both read a constant number of queries, whatever the number of schools, classes or members
(pinned in ``tests/messaging``). Members come from ``apps.audiences``; accounts that may no
longer act (blocked, departed, inactive) are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from apps.accounts.models import User
from apps.accounts.permissions import Actor
from apps.audiences.audience import Audience
from apps.audiences.selectors import audience_guardians, audience_pupils, audience_staff
from apps.french.formatting import de
from apps.french.ordering import name_key
from apps.messaging.models import GroupKind
from apps.messaging.rules import Group, Switches, may_write_to_group
from apps.schools.models import Classroom, School, SchoolMembership, SchoolRole

ACTIVE = Q(is_active=True, blocked_at__isnull=True, left_at__isnull=True)


def active_users() -> QuerySet[User]:
    return User.objects.filter(ACTIVE)


@dataclass(frozen=True)
class Offer:
    """A group offered on the compose page."""

    group: Group
    label: str

    @property
    def key(self) -> str:
        return self.group.key


def _of_the_school(name: str) -> str:
    """ "l'école Jules Ferry", and "l'école élémentaire Jean de La Fontaine" for a school
    whose name already says "École …"."""
    if name[:5].lower() == "école":
        return f"l'école{name[5:]}"
    return f"l'école {name}"


def label_for(
    kind: str, school_name: str, class_name: str = "", *, with_school: bool = False
) -> str:
    """A group's French label; ``with_school``: a class's group names its school too, for
    someone who writes to several schools."""
    if kind in (GroupKind.CLASS_PARENTS, GroupKind.CLASS_PUPILS):
        who = "Parents" if kind == GroupKind.CLASS_PARENTS else "Élèves"
        label = f"{who} {de(class_name)}"
        return f"{label} ({school_name})" if with_school else label
    school = _of_the_school(school_name)
    return {
        GroupKind.SCHOOL_PARENTS: f"Parents de {school}",
        GroupKind.SCHOOL_PUPILS: f"Élèves de {school}",
        GroupKind.SCHOOL_TEACHERS: f"Enseignants de {school}",
        GroupKind.SCHOOL_STAFF: f"Équipe de {school}",
        GroupKind.SCHOOL_DIRECTION: f"Direction de {school}",
    }[GroupKind(kind)]


SCHOOL_KINDS = (
    GroupKind.SCHOOL_DIRECTION,
    GroupKind.SCHOOL_TEACHERS,
    GroupKind.SCHOOL_STAFF,
    GroupKind.SCHOOL_PARENTS,
    GroupKind.SCHOOL_PUPILS,
)
CLASS_KINDS = (GroupKind.CLASS_PARENTS, GroupKind.CLASS_PUPILS)


def _schools_in_reach(sender: Actor) -> QuerySet[School]:
    schools = School.objects.all()
    return schools if sender.is_commune_admin else schools.filter(pk__in=sender.school_ids)


def offers_for(sender: Actor, switches: Switches) -> list[Offer]:
    """Every group ``sender`` may write to now, classes of the current year included, in
    French order (a school's groups, then its classes'): two queries."""
    if not sender.active or sender.is_pupil:
        return []
    schools = list(_schools_in_reach(sender).values_list("pk", "name"))
    school_names = dict(schools)
    classes = list(
        Classroom.objects.filter(school_id__in=school_names, year__is_current=True).values_list(
            "pk", "school_id", "name"
        )
    )
    offers: list[Offer] = []
    several = len(schools) > 1
    for school_id, school_name in sorted(schools, key=lambda row: name_key(row[1])):
        for kind in SCHOOL_KINDS:
            group = Group(kind=kind, school_id=school_id)
            if may_write_to_group(sender, group, switches):
                offers.append(Offer(group, label_for(kind, school_name)))
        in_school = [row for row in classes if row[1] == school_id]
        # The classes the sender teaches first: the groups a teacher writes to most.
        in_school.sort(key=lambda r: (r[0] not in sender.taught_class_ids, name_key(r[2])))
        for classroom_id, _school, class_name in in_school:
            for kind in CLASS_KINDS:
                group = Group(kind=kind, school_id=school_id, classroom_id=classroom_id)
                if may_write_to_group(sender, group, switches):
                    label = label_for(kind, school_name, class_name, with_school=several)
                    offers.append(Offer(group, label))
    return offers


def group_label(group: Group) -> str | None:
    """The label of one group (None when its school or class no longer exists): one query."""
    if group.classroom_id is not None:
        row = (
            Classroom.objects.filter(pk=group.classroom_id, school_id=group.school_id)
            .values_list("school__name", "name")
            .first()
        )
        return label_for(group.kind, row[0], row[1]) if row else None
    name = School.objects.filter(pk=group.school_id).values_list("name", flat=True).first()
    return label_for(group.kind, name) if name is not None else None


@dataclass(frozen=True)
class Member:
    """A person a group holds; ``child_id``: for a parent, the child through whom."""

    user_id: int
    child_id: int | None = None


def _audience(group: Group) -> Audience:
    if group.classroom_id is not None:
        return Audience.of_class(school_id=group.school_id, classroom_id=group.classroom_id)
    return Audience.of_school(group.school_id)


def _roles(school_id: int, roles: Iterable[str]) -> list[int]:
    return sorted(
        set(
            SchoolMembership.objects.filter(school_id=school_id, role__in=list(roles)).values_list(
                "user_id", flat=True
            )
        )
    )


def members_of(group: Group) -> list[Member]:
    """Who ``group`` holds today (active accounts only), each once: two queries."""
    members: list[Member]
    if group.kind in (GroupKind.CLASS_PARENTS, GroupKind.SCHOOL_PARENTS):
        first_child: dict[int, int] = {}
        for guardian_id, child_id in audience_guardians(_audience(group)):
            first_child[guardian_id] = min(child_id, first_child.get(guardian_id, child_id))
        members = [Member(user_id, child_id) for user_id, child_id in first_child.items()]
    elif group.kind in (GroupKind.CLASS_PUPILS, GroupKind.SCHOOL_PUPILS):
        members = [Member(pupil_id) for pupil_id, _class in audience_pupils(_audience(group))]
    elif group.kind == GroupKind.SCHOOL_STAFF:
        members = [Member(user_id) for user_id in audience_staff(_audience(group))]
    elif group.kind == GroupKind.SCHOOL_TEACHERS:
        members = [
            Member(user_id)
            for user_id in _roles(group.school_id, (SchoolRole.TEACHER, SchoolRole.DIRECTOR))
        ]
    elif group.kind == GroupKind.SCHOOL_DIRECTION:
        members = [Member(user_id) for user_id in _roles(group.school_id, (SchoolRole.DIRECTOR,))]
    else:
        raise ValueError(f"not a group: {group.kind}")
    if not members:
        return []
    active = set(
        active_users().filter(pk__in=[m.user_id for m in members]).values_list("pk", flat=True)
    )
    unique: dict[int, Member] = {}
    for member in members:
        if member.user_id in active:
            unique.setdefault(member.user_id, member)
    return list(unique.values())


def family_count(group: Group) -> int:
    """How many families (children whose guardians it reaches) a group of parents holds."""
    if group.kind not in (GroupKind.CLASS_PARENTS, GroupKind.SCHOOL_PARENTS):
        return 0
    return len({child for _guardian, child in audience_guardians(_audience(group))})
