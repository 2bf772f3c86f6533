"""The scoped selectors are the permission rules, computed by the database.

On the communication-matrix commune (tests/permissions/test_matrix.py), for every viewer,
the selector returns exactly what the rule allows: every person, class and school.
"""

from __future__ import annotations

import itertools

import pytest
from django_tenants.utils import schema_context

from apps.accounts.permissions import can_view_classroom, can_view_person, can_view_school
from apps.schools.models import Classroom, School
from apps.schools.selectors import (
    classrooms_visible_to,
    people_visible_to,
    schools_visible_to,
)
from tests.permissions.test_matrix import EVERYONE, MAY_SEE, database_world


@pytest.fixture
def matrix_actors(db):
    """The communication matrix's Actors, by name (tests/permissions/test_matrix.py)."""
    return database_world()


def test_people_visible_to_is_can_view_person(matrix_actors):
    with schema_context("bordeaux"):
        for viewer in sorted(EVERYONE):
            listed = set(people_visible_to(matrix_actors[viewer]).values_list("pk", flat=True))
            allowed = {
                matrix_actors[person].id
                for person in EVERYONE
                if can_view_person(viewer=matrix_actors[viewer], person=matrix_actors[person])
            }
            assert listed == allowed, viewer
            assert listed == {matrix_actors[person].id for person in MAY_SEE[viewer]}, viewer


def test_classrooms_visible_to_is_can_view_classroom(matrix_actors):
    with schema_context("bordeaux"):
        classes = list(Classroom.objects.values_list("pk", "school_id"))
        for viewer in sorted(EVERYONE):
            listed = set(classrooms_visible_to(matrix_actors[viewer]).values_list("pk", flat=True))
            allowed = {
                pk
                for pk, school_id in classes
                if can_view_classroom(
                    viewer=matrix_actors[viewer], classroom_id=pk, school_id=school_id
                )
            }
            assert listed == allowed, viewer


def test_schools_visible_to_is_can_view_school(matrix_actors):
    with schema_context("bordeaux"):
        schools = list(School.objects.values_list("pk", flat=True))
        for viewer, school_id in itertools.product(sorted(EVERYONE), schools):
            listed = schools_visible_to(matrix_actors[viewer]).filter(pk=school_id).exists()
            assert listed == can_view_school(viewer=matrix_actors[viewer], school_id=school_id), (
                viewer,
                school_id,
            )


def test_people_visible_to_is_one_query(matrix_actors, django_assert_num_queries):
    with schema_context("bordeaux"):
        parent = matrix_actors["par1"]
        with django_assert_num_queries(1):
            list(people_visible_to(parent))
