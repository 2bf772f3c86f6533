#!/usr/bin/env python
"""Provisioning benchmark: how long a new commune takes, against django-tenants and the floor.

    .venv/bin/python bench/provision.py [--schemas 200] [--runs 5] [--keep]

In one process, on a database of its own (``ent_bench_provision`` on the server named by
DATABASE_URL, dropped and created again on every run), it:

1. runs ``migrate_schemas`` (public schema, template schema ``ent_template`` and its snapshot);
2. provisions ``--schemas`` filler communes through ``provision_commune`` so that the
   catalogue looks like a real groupement's;
3. runs ``--runs`` rounds of three ways of getting a new commune schema, alternating
   (the order rotates each round), each with a fresh slug / INSEE code:

   (a) project: ``provisioning.services.provision_commune`` (what ``manage.py
       provision_commune`` calls): validation, snapshot fetch, Commune + Domain rows and
       the renamed template script, in one transaction;
   (b) migrate: django-tenants' own path: a Commune row, then
       ``create_schema(check_if_exists=True, sync_schema=True, verbosity=0)``, which runs
       every tenant migration from zero in the new schema;
   (c) floor: the template's DDL as ``pg_dump --schema-only`` prints it, renamed, sent as
       one batch by one ``cursor.execute`` in one transaction. It shares no code with (a):
       its own pg_dump run (once, at set-up), its own clean-up and renaming.

It prints a table, then, as its last line, one JSON object with the medians
(``project_ms``, ``migrate_ms``, ``floor_ms``) and the two ratios the issue sets bars on:
``ratio_to_floor`` = project / floor (bar: <= 2.0) and ``migrate_to_project`` =
migrate / project (bar: >= 3). The exit status is 0 even when a bar is missed (the table
says so); it is non-zero only when the bench itself fails.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
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
from rich.progress import (  # noqa: E402
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table  # noqa: E402

BAR_RATIO_TO_FLOOR = 2.0
BAR_MIGRATE_TO_PROJECT = 3.0

out = Console(width=None if sys.stdout.isatty() else 110)
err = Console(stderr=True)


# --- unique identities --------------------------------------------------------------------


class Identities:
    """Fresh (name, INSEE, slug) triples: INSEE ^\\d{5}$ unique, slug a lowercase DNS label."""

    def __init__(self) -> None:
        self._next_insee = 10000

    def take(self, prefix: str, index: int) -> tuple[str, str, str]:
        insee = f"{self._next_insee:05d}"
        self._next_insee += 1
        assert re.fullmatch(r"\d{5}", insee), insee
        slug = f"{prefix}-{index:04d}"
        return f"Commune {prefix} {index}", insee, slug


# --- (c) the floor: its own pg_dump, clean-up and renaming -----------------------------------

# pg_dump's session settings, psql meta-commands (\restrict, \unrestrict, \connect…) and
# comment lines: none of them is DDL for the schema.
_FLOOR_DROP_LINE = re.compile(r"^(SET\s|SELECT\s+pg_catalog\.set_config\(|\\|--)")


def _floor_pg_dump_binary() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        major = int(cursor.fetchone()[0]) // 10000
    candidate = Path(f"/usr/lib/postgresql/{major}/bin/pg_dump")
    if candidate.exists():
        return str(candidate)
    found = shutil.which("pg_dump")
    if not found:
        raise SystemExit(f"pg_dump not found (PostgreSQL {major} client needed)")
    return found


def floor_ddl(schema: str) -> str:
    """``pg_dump --schema-only`` of ``schema``, cleaned to plain DDL statements."""
    from django.db import connection

    params = connection.settings_dict
    args = [
        _floor_pg_dump_binary(),
        "--schema-only",
        "--no-owner",
        "--no-privileges",
        "--schema",
        schema,
        "--dbname",
        str(params["NAME"]),
    ]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if params.get(key):
            args += [flag, str(params[key])]
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    done = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"pg_dump failed: {done.stderr.strip()}")
    lines = [
        line
        for line in done.stdout.splitlines()
        if line.strip() and not _FLOOR_DROP_LINE.match(line)
    ]
    return "\n".join(lines) + "\n"


def floor_rename(ddl: str, source: str, target: str) -> str:
    """Every mention of the schema ``source`` (bare or quoted) becomes ``"target"``."""
    name = re.escape(source)
    pattern = re.compile(rf'"{name}"|\b{name}\b')
    return pattern.sub(f'"{target}"', ddl)


# --- the three paths -----------------------------------------------------------------------


def run_project(identity: tuple[str, str, str]) -> str:
    from provisioning.services import provision_commune

    name, insee, slug = identity
    result = provision_commune(name=name, insee=insee, slug=slug)
    assert result.created, slug
    return result.commune.schema_name


def run_migrate(identity: tuple[str, str, str]) -> str:
    from tenants.models import Commune
    from tenants.validators import schema_name_for_slug

    name, insee, slug = identity
    commune = Commune(
        name=name, insee_code=insee, slug=slug, schema_name=schema_name_for_slug(slug)
    )
    commune.save()
    commune.create_schema(check_if_exists=True, sync_schema=True, verbosity=0)
    return commune.schema_name


def make_run_floor(ddl: str, source: str) -> Callable[[str], Callable[[], None]]:
    """Returns prepare(schema) -> run(): the renaming is done before the clock starts."""

    def prepare(schema: str) -> Callable[[], None]:
        from django.db import connection, transaction

        script = floor_rename(ddl, source, schema)

        def run() -> None:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(script)

        return run

    return prepare


# --- helpers -------------------------------------------------------------------------------


def settle_connection() -> None:
    """Open connection on the public schema before a timed run (the migrate path closes it)."""
    from django.db import connection

    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def table_count(schema: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = %s", [schema])
        return int(cursor.fetchone()[0])


def commune_schema_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM tenants_commune c JOIN pg_catalog.pg_namespace n "
            "ON n.nspname = c.schema_name"
        )
        return int(cursor.fetchone()[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schemas", type=int, default=200, help="filler communes (default 200)")
    parser.add_argument("--runs", type=int, default=5, help="timed rounds (default 5)")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--database", default="ent_bench_provision", help="bench database name")
    parser.add_argument("--settings", default=DEFAULT_SETTINGS, help="DJANGO_SETTINGS_MODULE")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.schemas < 0:
        parser.error("--runs must be >= 1 and --schemas >= 0")

    url = fresh_database(args.database)
    err.print(f"[bold]bench/provision[/]: database {args.database} (fresh), {args.settings}")
    try:
        result = _bench(url, args)
    finally:
        if args.keep:
            err.print(f"database kept: {url}")
        else:
            drop_database(url)
    print(json.dumps(result), flush=True)
    return 0


def _bench(url: str, args: argparse.Namespace) -> dict[str, object]:
    django_setup(url, args.settings)
    from django.conf import settings
    from django.core.management import call_command

    from provisioning.services import provision_commune

    started = time.perf_counter()
    call_command("migrate_schemas", interactive=False, verbosity=0)
    err.print(f"migrate_schemas: {time.perf_counter() - started:.1f} s")

    ids = Identities()
    with Progress(
        TextColumn("filler communes"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
    ) as progress:
        task = progress.add_task("fill", total=args.schemas)
        for index in range(args.schemas):
            name, insee, slug = ids.take("filler", index)
            provision_commune(name=name, insee=insee, slug=slug)
            progress.advance(task)
    schemas = commune_schema_count()
    assert schemas >= args.schemas, (schemas, args.schemas)

    template = str(settings.ENT_TEMPLATE_SCHEMA)
    prepare_floor = make_run_floor(floor_ddl(template), template)
    expected_tables = table_count(template)

    samples: dict[str, list[float]] = {"project": [], "migrate": [], "floor": []}
    order = ["project", "migrate", "floor"]
    for round_no in range(args.runs):
        rotated = order[round_no % 3 :] + order[: round_no % 3]
        for path in rotated:
            if path == "project":
                identity = ids.take("proj", round_no)
                settle_connection()
                t0 = time.perf_counter()
                schema = run_project(identity)
                elapsed = (time.perf_counter() - t0) * 1000
            elif path == "migrate":
                identity = ids.take("migr", round_no)
                settle_connection()
                t0 = time.perf_counter()
                schema = run_migrate(identity)
                elapsed = (time.perf_counter() - t0) * 1000
            else:
                schema = f"floor_{round_no:04d}"
                run = prepare_floor(schema)
                settle_connection()
                t0 = time.perf_counter()
                run()
                elapsed = (time.perf_counter() - t0) * 1000
            settle_connection()
            tables = table_count(schema)
            if tables != expected_tables:
                raise SystemExit(
                    f"{path}: schema {schema} has {tables} tables, the template {expected_tables}"
                )
            samples[path].append(elapsed)
        err.print(
            f"round {round_no + 1}/{args.runs}: "
            + ", ".join(f"{p} {samples[p][-1]:.1f} ms" for p in order)
        )

    project_ms = median_ms(samples["project"])
    migrate_ms = median_ms(samples["migrate"])
    floor_ms = median_ms(samples["floor"])
    ratio_to_floor = round(project_ms / floor_ms, 2)
    migrate_to_project = round(migrate_ms / project_ms, 2)
    bars = ratio_to_floor <= BAR_RATIO_TO_FLOOR and migrate_to_project >= BAR_MIGRATE_TO_PROJECT

    table = Table(
        title=f"Provisioning one commune ({schemas} commune schemas present, "
        f"median of {args.runs}, {expected_tables} tables per schema)"
    )
    table.add_column("path")
    table.add_column("median ms", justify="right")
    table.add_column("min ms", justify="right")
    table.add_column("max ms", justify="right")
    table.add_column("vs floor", justify="right")
    labels = {
        "project": "(a) project: provision_commune",
        "migrate": "(b) django-tenants create_schema (migrate)",
        "floor": "(c) floor: pg_dump --schema-only DDL, 1 execute",
    }
    for path, median in (("project", project_ms), ("migrate", migrate_ms), ("floor", floor_ms)):
        table.add_row(
            labels[path],
            f"{median:.1f}",
            f"{min(samples[path]):.1f}",
            f"{max(samples[path]):.1f}",
            f"{median / floor_ms:.2f}x",
        )
    out.print(table)
    out.print(
        f"ratio_to_floor = {ratio_to_floor} (bar <= {BAR_RATIO_TO_FLOOR}), "
        f"migrate_to_project = {migrate_to_project} (bar >= {BAR_MIGRATE_TO_PROJECT}): "
        + ("[green]bars hold[/]" if bars else "[red]bar missed[/]")
    )
    return {
        "bench": "provision",
        "project_ms": project_ms,
        "migrate_ms": migrate_ms,
        "floor_ms": floor_ms,
        "ratio_to_floor": ratio_to_floor,
        "migrate_to_project": migrate_to_project,
        "schemas": schemas,
        "runs": args.runs,
    }


if __name__ == "__main__":
    sys.exit(main())
