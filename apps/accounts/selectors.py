"""Reads about people: the relations the permission rules work on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim

from apps.accounts.models import Profile, User
from apps.accounts.permissions import Actor
from apps.schools.models import (
    Classroom,
    Enrolment,
    Guardianship,
    SchoolMembership,
    SchoolRole,
    SchoolYear,
)

# What a list shows of a person met through another row (a message's sender, a report's
# author): their name, their profile, whether their account has left. The rest of the row —
# password hash, INE, birth date, telephone, activation code — stays in the database.
NAME_FIELDS = frozenset({"id", "username", "first_name", "last_name", "profile", "left_at"})

_QS = TypeVar("_QS", bound=QuerySet[Any])


def names_only(queryset: _QS, *paths: str) -> _QS:
    """``queryset`` loading only ``NAME_FIELDS`` of the users it joins at ``paths``
    (``select_related`` paths such as ``"message__sender"``)."""
    return queryset.defer(
        *(
            f"{path}__{field.name}"
            for path in paths
            for field in User._meta.concrete_fields
            if field.name not in NAME_FIELDS
        )
    )


def display_name_expression() -> Coalesce:
    """``User.display_name`` in SQL, over a query of users: "first last", else the username."""
    full = Trim(Concat("first_name", Value(" "), "last_name"))
    return Coalesce(NullIf(full, Value("")), "username")


def current_year() -> SchoolYear | None:
    return SchoolYear.objects.filter(is_current=True).first()


def actors_for(users: Iterable[User]) -> dict[int, Actor]:
    """The Actor of each user, in a constant number of queries whatever their number."""
    people = list(users)
    ids = [user.pk for user in people]
    year = current_year()

    school_ids: dict[int, set[int]] = defaultdict(set)
    directed: dict[int, set[int]] = defaultdict(set)
    taught: dict[int, set[int]] = defaultdict(set)
    class_ids: dict[int, set[int]] = defaultdict(set)
    peer_classes: dict[int, set[int]] = defaultdict(set)
    child_ids: dict[int, set[int]] = defaultdict(set)
    authority: dict[int, set[int]] = defaultdict(set)
    guardian_ids: dict[int, set[int]] = defaultdict(set)

    for user_id, school_id, role in SchoolMembership.objects.filter(user_id__in=ids).values_list(
        "user_id", "school_id", "role"
    ):
        school_ids[user_id].add(school_id)
        if role == SchoolRole.DIRECTOR:
            directed[user_id].add(school_id)

    links = list(
        Guardianship.objects.filter(Q(guardian_id__in=ids) | Q(child_id__in=ids)).values_list(
            "guardian_id", "child_id", "parental_authority"
        )
    )
    for guardian_id, child_id, has_authority in links:
        child_ids[guardian_id].add(child_id)
        guardian_ids[child_id].add(guardian_id)
        if has_authority:
            authority[guardian_id].add(child_id)

    if year is not None:
        teaching = Classroom.teachers.through.objects.filter(
            user_id__in=ids, classroom__year=year
        ).values_list("classroom_id", "classroom__school_id", "user_id")
        for classroom_id, school_id, teacher_id in teaching:
            taught[teacher_id].add(classroom_id)
            class_ids[teacher_id].add(classroom_id)
            school_ids[teacher_id].add(school_id)

        children = {child for kids in child_ids.values() for child in kids}
        pupils = set(ids) | children
        enrolled: dict[int, set[tuple[int, int, bool]]] = defaultdict(set)
        placed = (
            Enrolment.objects.current()
            .filter(year=year, pupil_id__in=pupils)
            .values_list(
                "pupil_id",
                "classroom_id",
                "classroom__school_id",
                "classroom__pupils_may_message_each_other",
            )
        )
        for pupil_id, classroom_id, school_id, peers in placed:
            enrolled[pupil_id].add((classroom_id, school_id, peers))
        for person in people:
            own = enrolled.get(person.pk, set())
            if person.profile == Profile.PUPIL:
                for classroom_id, school_id, peers in own:
                    class_ids[person.pk].add(classroom_id)
                    school_ids[person.pk].add(school_id)
                    if peers:
                        peer_classes[person.pk].add(classroom_id)
            if person.profile == Profile.PARENT:
                for child in child_ids.get(person.pk, ()):
                    for classroom_id, school_id, _peers in enrolled.get(child, ()):
                        class_ids[person.pk].add(classroom_id)
                        school_ids[person.pk].add(school_id)

    return {
        user.pk: Actor(
            id=user.pk,
            profile=user.profile,
            active=user.is_active and user.blocked_at is None and user.left_at is None,
            display_name=user.display_name,
            class_ids=frozenset(class_ids[user.pk]),
            school_ids=frozenset(school_ids[user.pk]),
            directed_school_ids=frozenset(directed[user.pk]),
            taught_class_ids=frozenset(taught[user.pk]),
            child_ids=frozenset(child_ids[user.pk]),
            authority_child_ids=frozenset(authority[user.pk]),
            guardian_ids=frozenset(guardian_ids[user.pk]),
            peer_messaging_class_ids=frozenset(peer_classes[user.pk]),
        )
        for user in people
    }


# Where ``apps.accounts.context.Caller`` leaves the Actor it read on the request's own User
# instance (loaded for that request, and gone with it).
REQUEST_ACTOR_ATTRIBUTE = "_ent_request_actor"


def actor_for(user: User) -> Actor:
    """The Actor of ``user``. For the account of the request being served, the caller's
    Actor, read once for the request: a service still handed that ``User`` (rather than the
    Actor) does not read the same relations again."""
    bound: Actor | None = getattr(user, REQUEST_ACTOR_ATTRIBUTE, None)
    if bound is not None:
        return bound
    return actors_for([user])[user.pk]


def profile_actor(user: User) -> Actor:
    """An Actor without relations, for rules that depend on the profile alone.

    It costs no query and works in the public schema too (which has no schools).
    """
    return Actor(
        id=user.pk,
        profile=user.profile,
        active=user.is_active and user.blocked_at is None and user.left_at is None,
        display_name=user.display_name,
    )
