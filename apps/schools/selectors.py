"""Reads about schools, classes and the people in them, scoped by the permission rules.

Each ``*_visible_to`` selector is the database form of one rule of
``apps.accounts.permissions``: it builds, from the Actor's id sets, a queryset of exactly
what the rule allows, so that lists are filtered by PostgreSQL (never by loading everything
and asking the rule row by row) and cost the same number of queries whatever their length.
``tests/api/test_scoping.py`` checks each selector against its rule on every pair of a
small commune. Getters of one object answer ``None`` for "missing" and "forbidden" alike.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q, QuerySet

from apps.accounts.models import Profile, User
from apps.accounts.permissions import (
    STAFF_PROFILES,
    Actor,
    can_view_pupils_of_classroom,
)
from apps.french.ordering import classroom_order, name_order
from apps.schools.models import (
    DEPLOYED_STATUSES,
    Classroom,
    Enrolment,
    Guardianship,
    School,
    SchoolMembership,
    SchoolRole,
    current_enrolment,
)

ClassroomTeacher = Classroom.teachers.through

# Classes by school, then from the youngest level up (TPS … CM2, not CE1 < CP), then name.
CLASS_ORDER = classroom_order()


# --- schools -----------------------------------------------------------------------------------


def deployed_schools() -> QuerySet[School]:
    """What the commune's public home page lists: schools that use the ENT."""
    return School.objects.filter(deployment_status__in=DEPLOYED_STATUSES).order_by(
        *name_order("name")
    )


def schools_visible_to(actor: Actor) -> QuerySet[School]:
    """``can_view_school``: the commune administrator sees every school, others their own."""
    if not actor.active:
        return School.objects.none()
    if actor.is_commune_admin:
        return School.objects.all()
    return School.objects.filter(pk__in=actor.school_ids)


def school_visible_to(actor: Actor, school_id: int) -> School | None:
    return schools_visible_to(actor).filter(pk=school_id).first()


def school_listing(actor: Actor) -> QuerySet[School]:
    """Visible schools with the number of their classes this school year (visible or not)."""
    return (
        schools_visible_to(actor)
        .annotate(
            class_count=Count(
                "classrooms", filter=Q(classrooms__year__is_current=True), distinct=True
            )
        )
        .order_by(*name_order("name"))
    )


# --- classes -----------------------------------------------------------------------------------


def classrooms_visible_to(actor: Actor) -> QuerySet[Classroom]:
    """``can_view_classroom``, for the classes of the current school year."""
    if not actor.active:
        return Classroom.objects.none()
    classes = Classroom.objects.filter(year__is_current=True)
    if actor.is_commune_admin:
        return classes
    if actor.is_school_staff:
        return classes.filter(school_id__in=actor.school_ids)
    return classes.filter(pk__in=actor.class_ids)


def classroom_listing(actor: Actor, *, school_id: int | None = None) -> QuerySet[Classroom]:
    """Visible classes with their school, their visible teachers and their pupil count."""
    classes = classrooms_visible_to(actor)
    if school_id is not None:
        classes = classes.filter(school_id=school_id)
    return (
        classes.select_related("school", "year")
        .annotate(
            pupil_count=Count(
                "enrolments",
                filter=current_enrolment("enrolments"),
                distinct=True,
            )
        )
        .prefetch_related(
            Prefetch(
                "teachers",
                queryset=people_visible_to(actor).order_by(*name_order("last_name", "first_name")),
                to_attr="visible_teachers",
            )
        )
        .order_by(*CLASS_ORDER)
    )


def classroom_visible_to(actor: Actor, classroom_id: int) -> Classroom | None:
    """The class alone (to filter by it); ``classroom_listing`` gives it with its details."""
    return classrooms_visible_to(actor).filter(pk=classroom_id).first()


def may_list_pupils(actor: Actor, classroom: Classroom) -> bool:
    return can_view_pupils_of_classroom(
        viewer=actor, classroom_id=classroom.pk, school_id=classroom.school_id
    )


# --- people ------------------------------------------------------------------------------------


# The current year is joined in SQL (``year__is_current``) rather than read first: a
# selector adds no query of its own, and with no current year every class list is empty.


def _enrolled(**classroom_filter: object) -> QuerySet[Enrolment]:
    return Enrolment.objects.this_year().filter(**classroom_filter)


def _pupils_of(**classroom_filter: object) -> Q:
    """Pupils placed in the matching classes (their Actor's ``class_ids``)."""
    return Q(profile=Profile.PUPIL, pk__in=_enrolled(**classroom_filter).values("pupil_id"))


def _parents_of_pupils_in(**classroom_filter: object) -> Q:
    """Parents whose children are placed in the matching classes."""
    children = _enrolled(**classroom_filter).values("pupil_id")
    return Q(
        profile=Profile.PARENT,
        pk__in=Guardianship.objects.filter(child_id__in=children).values("guardian_id"),
    )


def _teachers_of(**classroom_filter: object) -> Q:
    return Q(
        pk__in=ClassroomTeacher.objects.filter(
            classroom__year__is_current=True, **classroom_filter
        ).values("user_id")
    )


def _staff_of_schools(school_ids: Iterable[int], *, role: str | None = None) -> Q:
    memberships = SchoolMembership.objects.filter(school_id__in=school_ids)
    if role is not None:
        memberships = memberships.filter(role=role)
    return Q(pk__in=memberships.values("user_id"))


def _people_of_schools(school_ids: Iterable[int]) -> Q:
    """Everyone whose Actor's ``school_ids`` meets ``school_ids``."""
    ids = list(school_ids)
    return (
        _staff_of_schools(ids)
        | _teachers_of(classroom__school_id__in=ids)
        | _pupils_of(classroom__school_id__in=ids)
        | _parents_of_pupils_in(classroom__school_id__in=ids)
    )


def people_visible_to(actor: Actor) -> QuerySet[User]:
    """``can_view_person`` as one query: everyone ``actor`` may see, themselves included."""
    if not actor.active:
        return User.objects.filter(pk=actor.id)
    if actor.is_commune_admin:
        return User.objects.all()
    visible = Q(pk=actor.id)
    if actor.is_school_staff:
        visible |= _people_of_schools(actor.school_ids)
    elif actor.is_parent:
        # Their children, and the adults who teach or direct them.
        adults = _staff_of_schools(actor.school_ids, role=SchoolRole.DIRECTOR) | _teachers_of(
            classroom_id__in=actor.class_ids
        )
        visible |= Q(pk__in=actor.child_ids) | (Q(profile__in=STAFF_PROFILES) & adults)
    elif actor.is_pupil:
        # Classmates and the adults of their classes.
        visible |= _pupils_of(classroom_id__in=actor.class_ids) | _teachers_of(
            classroom_id__in=actor.class_ids
        )
    return User.objects.filter(visible)


def people_of_classroom(classroom: Classroom) -> Q:
    """The class's pupils, their parents and their teachers."""
    return (
        _pupils_of(classroom_id=classroom.pk)
        | _parents_of_pupils_in(classroom_id=classroom.pk)
        | _teachers_of(classroom_id=classroom.pk)
    )


def people_of_school(school: School) -> Q:
    return _people_of_schools([school.pk])


def search_people(people: QuerySet[User], text: str) -> QuerySet[User]:
    """Every word of ``text`` must start or be part of the first name, last name or login."""
    for word in text.split()[:5]:
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
        )
    return people


def person_listing(actor: Actor, people: QuerySet[User] | None = None) -> QuerySet[User]:
    """Visible people with their current classes and visible guardians, in constant queries.

    Nested lists only show what the viewer may see: classes through
    ``classrooms_visible_to``, guardians through ``people_visible_to``.
    """
    people = people if people is not None else people_visible_to(actor)
    visible_classes = classrooms_visible_to(actor).select_related("school")
    return people.order_by(*name_order("last_name", "first_name"), "pk").prefetch_related(
        Prefetch(
            "enrolments",
            queryset=Enrolment.objects.current()
            .filter(classroom__in=visible_classes)
            .select_related("classroom__school"),
            to_attr="current_enrolments",
        ),
        Prefetch("taught_classrooms", queryset=visible_classes, to_attr="current_classes"),
        Prefetch(
            "guardians_links",
            queryset=Guardianship.objects.filter(guardian__in=people_visible_to(actor).values("pk"))
            .select_related("guardian")
            .order_by("kind", *name_order("guardian__last_name", "guardian__first_name")),
            to_attr="visible_guardian_links",
        ),
    )


def person_visible_to(actor: Actor, person_id: int) -> User | None:
    return person_listing(actor).filter(pk=person_id).first()


def classes_of_person(person: User) -> list[Classroom]:
    """Classes from ``person_listing``'s prefetches: enrolled in, or taught."""
    enrolled = [e.classroom for e in getattr(person, "current_enrolments", [])]
    return enrolled + list(getattr(person, "current_classes", []))


# --- the person's own world ----------------------------------------------------------------------


def own_classes(actor: Actor) -> QuerySet[Classroom]:
    """The classes of the Actor's ``class_ids``: taught, attended, or their children's."""
    return (
        Classroom.objects.filter(pk__in=actor.class_ids)
        .select_related("school", "year")
        .prefetch_related(
            Prefetch(
                "teachers",
                queryset=User.objects.order_by(*name_order("last_name", "first_name")),
                to_attr="visible_teachers",
            )
        )
        .order_by(*CLASS_ORDER)
    )


def own_schools(actor: Actor) -> QuerySet[School]:
    return School.objects.filter(pk__in=actor.school_ids).order_by(*name_order("name"))


def children_of(actor: Actor, *, with_class: bool = True) -> list[User]:
    """A parent's children, by first name, each with ``current_class`` (or None) and its
    teachers; ``with_class=False`` for the children alone (one query, not three).

    A child's class is always visible to the parent (it is in their ``class_ids``), and so
    are its teachers (``can_view_person``).
    """
    if not actor.child_ids:
        return []
    children = User.objects.filter(pk__in=actor.child_ids).order_by(
        *name_order("first_name", "last_name"), "pk"
    )
    if not with_class:
        return list(children)
    enrolments = (
        _enrolled()
        .select_related("classroom__school")
        .prefetch_related(
            Prefetch(
                "classroom__teachers",
                queryset=User.objects.order_by(*name_order("last_name", "first_name")),
                to_attr="visible_teachers",
            )
        )
    )
    found: list[User] = list(
        children.prefetch_related(Prefetch("enrolments", queryset=enrolments, to_attr="current"))
    )
    for child in found:
        current = getattr(child, "current", [])
        child.current_class = current[0].classroom if current else None  # type: ignore[attr-defined]
    return found
