"""Fixtures of the ONDE import tests: schools in Bordeaux (rolled back with each test)."""

from __future__ import annotations

import pytest

from apps.schools.models import School
from provisioning.operations import school_add
from tests.onde.helpers import OTHER_UAI, SCHEMA, SCHOOL_UAI


@pytest.fixture
def school(db: None) -> School:
    return school_add(
        commune_slug=SCHEMA, uai=SCHOOL_UAI, name="École élémentaire des Essais", kind="elementaire"
    )


@pytest.fixture
def other_school(db: None) -> School:
    return school_add(
        commune_slug=SCHEMA, uai=OTHER_UAI, name="École du Bourg fictif", kind="primaire"
    )
