"""An audience resolved to people: its pupils, their guardians, its staff — one query each,
whatever the number of people (pinned in ``tests/audiences``).

Pupils are those currently enrolled (enrolled or leaving, ``Enrolment.objects.current()``) in
the current school year. A guardian comes with the child they are told about; a guardian of
two concerned children comes twice, once per child, so a caller can link each to a child.
"""

from __future__ import annotations

from django.db.models import QuerySet

from apps.audiences.audience import Audience, Scope
from apps.schools.models import Classroom, Enrolment, Guardianship, SchoolMembership


def _enrolments(audience: Audience) -> QuerySet[Enrolment]:
    enrolments = Enrolment.objects.this_year()
    if audience.scope == Scope.SCHOOL:
        return enrolments.filter(classroom__school_id=audience.the_school_id)
    if audience.scope == Scope.CLASS:
        return enrolments.filter(classroom_id=audience.the_classroom_id)
    if audience.scope == Scope.PUPILS:
        return enrolments.filter(
            classroom_id=audience.the_classroom_id, pupil_id__in=audience.user_ids
        )
    if audience.scope == Scope.PERSON:
        return enrolments.filter(pupil_id__in=audience.user_ids)
    return enrolments.none()  # a group of staff has no pupils


def audience_pupils(audience: Audience) -> list[tuple[int, int]]:
    """(pupil id, class id) of each pupil of the audience, in one query."""
    return list(_enrolments(audience).values_list("pupil_id", "classroom_id").order_by("pk"))


def audience_guardians(
    audience: Audience, *, with_authority_only: bool = False
) -> list[tuple[int, int]]:
    """(guardian id, child id) for each guardian of each pupil of the audience, in one query
    (the pupils are a subquery); ``with_authority_only``: those holding parental authority."""
    links = Guardianship.objects.filter(
        child_id__in=_enrolments(audience).values("pupil_id")
    ).order_by("pk")
    if with_authority_only:
        links = links.filter(parental_authority=True)
    return list(links.values_list("guardian_id", "child_id"))


def audience_staff(audience: Audience) -> list[int]:
    """The ids of the audience's staff, in one query: a class's teachers, a school's staff
    (every role), the chosen members of a school's staff (those who still are); a person
    who works in a school. Chosen pupils have none."""
    members = SchoolMembership.objects.all()
    if audience.scope == Scope.CLASS:
        teachers = Classroom.teachers.through.objects.filter(classroom_id=audience.the_classroom_id)
        return sorted(set(teachers.values_list("user_id", flat=True)))
    if audience.scope == Scope.SCHOOL:
        members = members.filter(school_id=audience.the_school_id)
    elif audience.scope == Scope.STAFF:
        members = members.filter(school_id=audience.the_school_id, user_id__in=audience.user_ids)
    elif audience.scope == Scope.PERSON:
        members = members.filter(user_id__in=audience.user_ids)
    else:
        return []
    return sorted(set(members.values_list("user_id", flat=True)))
