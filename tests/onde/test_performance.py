"""The import costs a fixed number of queries, whatever the number of pupils and guardians."""

from __future__ import annotations

import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.schools.models import School
from apps.schools.onde import import_for_school
from provisioning.operations import school_add
from tests.onde.helpers import SCHOOL_UAI, export, sources


def _import(slug: str, pupils: int, guardians: int, *, seed: int) -> tuple[int, float]:
    """Queries and seconds of importing a generated pair into a fresh school of ``slug``."""
    school = school_add(commune_slug=slug, uai=SCHOOL_UAI, name="École des Essais", kind="primaire")
    pupils_file, guardians_file = sources(export(pupils, guardians, seed=seed))
    with schema_context(slug), CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        report = import_for_school(school=school, pupils=pupils_file, guardians=guardians_file)
        elapsed = time.perf_counter() - started
    assert report.pupils.counts()["created"] == pupils
    assert report.guardians.counts()["created"] == guardians
    return len(queries.captured_queries), elapsed


def _reimport(slug: str, pupils: int, guardians: int, *, seed: int) -> int:
    pupils_file, guardians_file = sources(export(pupils, guardians, seed=seed))
    with schema_context(slug):
        school = School.objects.get(uai=SCHOOL_UAI)
        with CaptureQueriesContext(connection) as queries:
            report = import_for_school(school=school, pupils=pupils_file, guardians=guardians_file)
    assert report.pupils.counts()["unchanged"] == pupils
    return len(queries.captured_queries)


def test_the_query_count_does_not_grow_with_the_number_of_rows(db):
    small_queries, _ = _import("bordeaux", 200, 320, seed=21)
    large_queries, seconds = _import("pessac", 1000, 1600, seed=22)
    print(f"queries {small_queries} / {large_queries}, 1000 pupils in {seconds:.2f} s")

    assert small_queries == large_queries
    assert small_queries < 30
    # The bar: 1,000 pupils and 1,600 guardians in 10 s at most.
    assert seconds < 10

    assert _reimport("bordeaux", 200, 320, seed=21) == _reimport("pessac", 1000, 1600, seed=22)
