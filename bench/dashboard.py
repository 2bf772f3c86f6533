#!/usr/bin/env python
"""Dashboard benchmark: the coordinator's figures cost the same per commune at 9 or 200.

    .venv/bin/python bench/dashboard.py [--runs 7] [--keep]

On a database of its own (``ent_bench_dashboard`` on the server named by DATABASE_URL,
dropped and created again on every run), it:

1. runs ``migrate_schemas`` (public schema, template schema and its snapshot);
2. provisions 9 live communes through ``provision_commune`` and fills each with a few
   schools, classes of two years and users with varied last logins: the first commune is
   filled through the ORM, the others receive copies of its rows by bulk SQL
   (``INSERT INTO "<schema>".t SELECT * FROM "<first>".t``, a handful of statements each);
3. times the dashboard's figures (``commune_figures_list`` over a coordinator's scope,
   one aggregate query per commune) ``--runs`` times and keeps the median;
4. provisions and fills 191 more communes (200 in all) and times the figures again.

Last line, one JSON object: ``ms_9``, ``ms_200`` and ``per_commune_ratio`` =
(ms_200 / 200) / (ms_9 / 9); bar: <= 1.5 (the figures scale linearly with the communes).
The exit status is 0 even when the bar is missed (the output says so).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    DEFAULT_SETTINGS,
    django_setup,
    drop_database,
    fresh_database,
    median_ms,
)
from rich.console import Console  # noqa: E402

BAR_PER_COMMUNE_RATIO = 1.5
SMALL, LARGE = 9, 200
# Copied in this order (foreign keys: years and schools before classes).
FILLED_TABLES = ["schools_schoolyear", "schools_school", "schools_classroom", "accounts_user"]

out = Console(width=None if sys.stdout.isatty() else 110)
err = Console(stderr=True)


def fill_first(schema: str) -> None:
    """A few schools, classes and users in ``schema``, through the ORM (once)."""
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from apps.accounts.models import Profile, User
    from apps.schools.models import Classroom, DeploymentStatus, School, SchoolYear

    now = timezone.now()
    with schema_context(schema):
        current = SchoolYear.objects.create(
            label="2026-2027",
            starts_on=datetime.date(2026, 9, 1),
            ends_on=datetime.date(2027, 7, 4),
            is_current=True,
        )
        past = SchoolYear.objects.create(
            label="2025-2026",
            starts_on=datetime.date(2025, 9, 1),
            ends_on=datetime.date(2026, 7, 4),
        )
        statuses = [DeploymentStatus.ACTIVE, DeploymentStatus.PILOT, DeploymentStatus.NOT_DEPLOYED]
        schools = School.objects.bulk_create(
            School(
                uai=f"03300{i:02d}A",
                name=f"École {i}",
                kind="elementaire",
                deployment_status=statuses[i % 3],
            )
            for i in range(6)
        )
        Classroom.objects.bulk_create(
            Classroom(school=school, year=year, name=f"Classe {n}")
            for school in schools
            for year in (current, past)
            for n in range(8)
        )
        profiles = [Profile.PUPIL, Profile.PARENT, Profile.TEACHER, Profile.DIRECTOR]
        User.objects.bulk_create(
            User(
                username=f"user{i}",
                profile=profiles[i % 4],
                last_login=now - datetime.timedelta(days=i % 45) if i % 5 else None,
            )
            for i in range(300)
        )


def copy_rows(source: str, target: str) -> None:
    from django.db import connection

    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            ";\n".join(
                f"INSERT INTO {quote(target)}.{table} SELECT * FROM {quote(source)}.{table}"
                for table in FILLED_TABLES
            )
        )


def provision(start: int, stop: int, first_schema: str | None) -> str:
    from provisioning.services import provision_commune

    for index in range(start, stop):
        result = provision_commune(
            name=f"Commune {index}",
            insee=f"{10000 + index:05d}",
            slug=f"commune-{index:04d}",
            status="active",
        )
        schema = result.commune.schema_name
        if first_schema is None:
            fill_first(schema)
            first_schema = schema
        else:
            copy_rows(first_schema, schema)
    assert first_schema is not None
    return first_schema


def time_figures(runs: int) -> tuple[float, int]:
    from django.db import connection

    from apps.accounts.models import Profile, User
    from tenants.dashboard.selectors import commune_figures_list, dashboard_scope_for

    connection.set_schema_to_public()
    coordinator = User(username="bench-coord", profile=Profile.COORDINATOR)
    samples = []
    count = 0
    commune_figures_list(scope=dashboard_scope_for(user=coordinator))  # warm the catalog
    for _ in range(runs):
        started = time.perf_counter()
        # The scope is part of what the page pays for: it is timed too.
        figures = commune_figures_list(scope=dashboard_scope_for(user=coordinator))
        samples.append((time.perf_counter() - started) * 1000)
        count = len(figures)
    return median_ms(samples), count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per size (default 7)")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--database", default="ent_bench_dashboard", help="bench database name")
    parser.add_argument("--settings", default=DEFAULT_SETTINGS, help="DJANGO_SETTINGS_MODULE")
    args = parser.parse_args(argv)
    if args.runs < 5:
        parser.error("--runs must be >= 5")

    url = fresh_database(args.database)
    err.print(f"[bold]bench/dashboard[/]: database {args.database} (fresh), {args.settings}")
    try:
        django_setup(url, args.settings)
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("migrate_schemas", interactive=False, verbosity=0)
        err.print(f"migrate_schemas: {time.perf_counter() - started:.1f} s")

        first = provision(0, SMALL, None)
        ms_9, count_9 = time_figures(args.runs)
        err.print(f"{count_9} communes: {ms_9} ms")
        started = time.perf_counter()
        provision(SMALL, LARGE, first)
        err.print(f"{LARGE - SMALL} more communes: {time.perf_counter() - started:.1f} s")
        ms_200, count_200 = time_figures(args.runs)
        err.print(f"{count_200} communes: {ms_200} ms")
        if (count_9, count_200) != (SMALL, LARGE):
            raise SystemExit(f"expected {SMALL} and {LARGE} communes, got {count_9}, {count_200}")
    finally:
        if args.keep:
            err.print(f"database kept: {url}")
        else:
            drop_database(url)

    ratio = round((ms_200 / LARGE) / (ms_9 / SMALL), 2)
    out.print(
        f"figures of {SMALL} communes: {ms_9} ms ({ms_9 / SMALL:.2f} ms each); "
        f"of {LARGE}: {ms_200} ms ({ms_200 / LARGE:.2f} ms each); median of {args.runs}"
    )
    out.print(
        f"per_commune_ratio = {ratio} (bar <= {BAR_PER_COMMUNE_RATIO}): "
        + ("[green]bar holds[/]" if ratio <= BAR_PER_COMMUNE_RATIO else "[red]bar missed[/]")
    )
    result = {
        "bench": "dashboard",
        "ms_9": ms_9,
        "ms_200": ms_200,
        "per_commune_ratio": ratio,
        "runs": args.runs,
    }
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
