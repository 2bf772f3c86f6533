"""The schools app owns the schema-qualified count of a commune's schools and classes; the
nightly class counts and the dashboard both read it, so they cannot disagree."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.schools.counts import SchoolCounts, school_counts
from apps.schools.models import Classroom, DeploymentStatus, School, SchoolKind, SchoolYear
from apps.schools.validators import uai_check_letter
from tenants.dashboard import selectors as dashboard
from tenants.db import use_public_schema
from tenants.models import Commune
from tenants.usage.services import class_count_snapshot_record

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _school(digits: str, status: str, *, classes: int, last_year: int = 0) -> None:
    current, _ = SchoolYear.objects.get_or_create(
        is_current=True,
        defaults={"label": "2026-2027", "starts_on": date(2026, 9, 1), "ends_on": date(2027, 7, 4)},
    )
    previous, _ = SchoolYear.objects.get_or_create(
        label="2025-2026", defaults={"starts_on": date(2025, 9, 1), "ends_on": date(2026, 7, 4)}
    )
    school = School.objects.create(
        uai=digits + uai_check_letter(digits),
        name=f"École {digits}",
        kind=SchoolKind.ELEMENTAIRE,
        deployment_status=status,
    )
    for n in range(classes):
        Classroom.objects.create(school=school, year=current, name=f"C{n}", levels=["CP"])
    for n in range(last_year):
        Classroom.objects.create(school=school, year=previous, name=f"L{n}", levels=["CP"])


def test_one_query_from_the_public_schema_counts_schools_and_this_years_classes(coordinator):
    with schema_context("bordeaux"):
        _school("0339001", DeploymentStatus.ACTIVE, classes=5, last_year=3)
        _school("0339002", DeploymentStatus.PILOT, classes=2)
        _school("0339003", DeploymentStatus.NOT_DEPLOYED, classes=4)
        _school("0339004", DeploymentStatus.ACTIVE, classes=0)  # deployed, no class yet
    use_public_schema()

    with CaptureQueriesContext(connection) as queries:
        counts = school_counts(schema_name="bordeaux")

    assert counts == SchoolCounts(schools=4, deployed_schools=3, classes=11, deployed_classes=7)
    (read,) = [q["sql"] for q in queries.captured_queries if "search_path" not in q["sql"]]
    assert '"bordeaux".schools_classroom' in read

    snapshot = class_count_snapshot_record(
        commune=Commune.objects.get(slug="bordeaux"), on=date(2027, 1, 15)
    )
    scope = dashboard.dashboard_scope_for(user=coordinator)
    figures = dashboard.commune_figures_get(scope=scope, slug="bordeaux")
    assert (snapshot.primary_classes, snapshot.deployed_classes, snapshot.deployed_schools) == (
        11,
        7,
        3,
    )
    assert (
        figures.schools_total,
        figures.schools_deployed,
        figures.classes_total,
        figures.classes_deployed,
    ) == (4, 3, 11, 7)


def test_no_other_module_queries_the_schools_tables_by_name():
    for folder in ("tenants", "apps"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts or path == ROOT / "apps/schools/counts.py":
                continue
            text = path.read_text()
            assert "schools_classroom" not in text and "schools_school " not in text, path
