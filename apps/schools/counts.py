"""A commune's schools and classes counted from the public schema, in one aggregate query.

The nightly class counts (``tenants.usage``) and the groupement's dashboard read these
figures without entering the commune's schema (no ``schema_context``, no row loaded into
Python): the query is schema-qualified. It lives here, next to the models it reads, and
takes its table and column names from them, so that a change to the schools' tables
changes (or breaks) it here and not in a copy elsewhere.

"Classes" are the classes of the current school year; a deployed school with no class this
year still counts as a deployed school (hence the LEFT JOINs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection

from apps.schools.models import DEPLOYED_STATUSES, Classroom, School, SchoolYear


@dataclass(frozen=True)
class SchoolCounts:
    schools: int
    deployed_schools: int
    classes: int  # of the current school year
    deployed_classes: int  # of the current school year, in a deployed school


# The columns of ``school_counts_sql``'s single row, in order.
COLUMNS = ("schools", "deployed_schools", "classes", "deployed_classes")


def school_counts_sql(schema_name: str) -> str:
    """The SELECT of ``schema_name``'s counts: one row, the ``COLUMNS``, with one named
    parameter, ``%(deployed)s`` (``school_counts_params``). The schema is quoted by the
    connection; callers may use it as a subquery of a larger aggregate."""
    schema = connection.ops.quote_name(schema_name)
    school_status = School._meta.get_field("deployment_status").column
    classroom_school = Classroom._meta.get_field("school").column
    classroom_year = Classroom._meta.get_field("year").column
    year_current = SchoolYear._meta.get_field("is_current").column
    return f"""
SELECT
    count(DISTINCT s.id) AS schools,
    count(DISTINCT s.id) FILTER (WHERE s.{school_status} = ANY(%(deployed)s)) AS deployed_schools,
    count(c.id) FILTER (WHERE y.{year_current}) AS classes,
    count(c.id) FILTER (
        WHERE y.{year_current} AND s.{school_status} = ANY(%(deployed)s)
    ) AS deployed_classes
FROM {schema}.{School._meta.db_table} AS s
LEFT JOIN {schema}.{Classroom._meta.db_table} AS c ON c.{classroom_school} = s.id
LEFT JOIN {schema}.{SchoolYear._meta.db_table} AS y ON y.id = c.{classroom_year}
"""  # noqa: S608 - names come from the models and the quoted schema, values are bound


def school_counts_params() -> dict[str, Any]:
    return {"deployed": [str(status) for status in DEPLOYED_STATUSES]}


def school_counts(*, schema_name: str) -> SchoolCounts:
    """The counts of one commune's schema, in a single aggregate query."""
    with connection.cursor() as cursor:
        cursor.execute(school_counts_sql(schema_name), school_counts_params())
        row = cursor.fetchone()
    return SchoolCounts(**dict(zip(COLUMNS, row, strict=True)))
