#!/usr/bin/env python
"""ONDE import benchmark: seconds and queries to import one school's pupils and guardians.

    .venv/bin/python bench/import_onde.py [--pupils 1000] [--guardians 1600] [--runs 3] [--keep]

In one process, on a database of its own (``ent_bench_import`` on the server named by
DATABASE_URL, dropped and created again on every run), it:

1. runs ``migrate_schemas``, provisions the commune ``bordeaux`` and creates its current
   school year (the first import of a year creates it otherwise, in three more queries);
2. for each of ``--runs`` rounds, adds a school (``provisioning.operations.school_add``, what
   ``manage.py add_school`` calls), generates a fresh ONDE pair of ``--pupils`` pupils and
   ``--guardians`` guardians with ``tests/onde/generator.py`` (Windows-1252, CRLF, as ONDE
   writes them), writes both files to a temporary folder and times
   ``provisioning.operations.onde_import`` (what ``manage.py import_onde`` calls: read the files,
   check, plan, write in one transaction), counting its queries. Every round imports into a
   commune that already holds the previous rounds' accounts, as a real commune would;
3. then, on the last school: a dry run, and a re-import of the same files (nothing to change);
4. then a fifth of the size into one more school, to show that the query count does not
   depend on the number of rows.

It prints a table and, as its last line, one JSON object:
``{"bench": "import_onde", "pupils": …, "guardians": …, "seconds": <median>, "queries": …}``.
The bar (from the issue): 1,000 pupils and 1,600 guardians in 10 s at most, with a number of
queries that does not grow with the rows. The exit status is 0 even when the bar is missed
(the table says so); it is non-zero only when the bench itself fails.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    DEFAULT_SETTINGS,
    REPO_ROOT,
    django_setup,
    drop_database,
    fresh_database,
)
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

BAR_SECONDS = 10.0
SLUG, INSEE, NAME = "bordeaux", "33063", "Bordeaux"

out = Console(width=None if sys.stdout.isatty() else 110)
err = Console(stderr=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pupils", type=int, default=1000, help="pupils (default 1000)")
    parser.add_argument("--guardians", type=int, default=1600, help="guardians (default 1600)")
    parser.add_argument("--runs", type=int, default=3, help="timed first imports (default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--database", default="ent_bench_import", help="bench database name")
    parser.add_argument("--settings", default=DEFAULT_SETTINGS, help="DJANGO_SETTINGS_MODULE")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.pupils < 5 or args.guardians < 1:
        parser.error("--runs must be >= 1, --pupils >= 5 and --guardians >= 1")

    url = fresh_database(args.database)
    err.print(f"[bold]bench/import_onde[/]: database {args.database} (fresh), {args.settings}")
    try:
        result = _bench(url, args)
    finally:
        if args.keep:
            err.print(f"database kept: {url}")
        else:
            drop_database(url)
    print(json.dumps(result), flush=True)
    return 0


def _uai(number: int) -> str:
    from apps.schools.validators import uai_check_letter

    digits = f"{331000 + number:07d}"
    return digits + uai_check_letter(digits)


def _bench(url: str, args: argparse.Namespace) -> dict[str, object]:
    django_setup(url, args.settings)
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from apps.accounts.models import User
    from apps.schools.onde import SourceFile
    from apps.schools.years import current_school_year, school_year_bounds
    from provisioning.operations import onde_import, school_add
    from provisioning.services import provision_commune
    from tests.onde.generator import generate

    started = time.perf_counter()
    call_command("migrate_schemas", interactive=False, verbosity=0)
    err.print(f"migrate_schemas: {time.perf_counter() - started:.1f} s")
    provision_commune(name=NAME, insee=INSEE, slug=SLUG)
    with schema_context(SLUG):
        # The school year exists from the first import of the rentrée on; creating it here
        # keeps its three one-off queries out of the comparison between rounds.
        current_school_year(create=True)
    year_start = school_year_bounds(timezone.localdate())[1].year
    folder = Path(tempfile.mkdtemp(prefix="bench-onde-"))

    used_surnames: set[str] = set()

    def files_for(round_no: int, pupils: int, guardians: int) -> tuple[SourceFile, SourceFile]:
        # Only new people in every round: a surname drawn again would make some guardians
        # (same e-mail address and first name) the same accounts as in an earlier round.
        export = generate(
            pupils,
            guardians,
            seed=1000 + round_no,
            year_start=year_start,
            avoid_surnames=used_surnames,
        )
        used_surnames.update(export.surnames)
        paths = (folder / f"eleves-{round_no}.csv", folder / f"responsables-{round_no}.csv")
        paths[0].write_bytes(export.pupils_csv(encoding="cp1252", newline="\r\n"))
        paths[1].write_bytes(export.guardians_csv(encoding="cp1252", newline="\r\n"))
        return (
            SourceFile(paths[0].name, paths[0].read_bytes()),
            SourceFile(paths[1].name, paths[1].read_bytes()),
        )

    def timed_import(uai: str, sources: tuple[SourceFile, SourceFile], *, dry_run: bool = False):
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            report = onde_import(
                commune_slug=SLUG,
                school_uai=uai,
                pupils=sources[0],
                guardians=sources[1],
                dry_run=dry_run,
            )
            seconds = time.perf_counter() - t0
        return report, seconds, len(queries.captured_queries)

    rows: list[tuple[str, float, int, str]] = []
    firsts: list[float] = []
    first_queries: set[int] = set()
    sources: tuple[SourceFile, SourceFile] | None = None
    uai = ""
    for round_no in range(args.runs):
        uai = _uai(round_no + 1)
        school_add(
            commune_slug=SLUG, uai=uai, name=f"École du banc {round_no + 1}", kind="primaire"
        )
        sources = files_for(round_no, args.pupils, args.guardians)
        report, seconds, queries = timed_import(uai, sources)
        created = report.pupils.counts()["created"], report.guardians.counts()["created"]
        if created != (args.pupils, args.guardians):
            raise SystemExit(f"round {round_no + 1}: created {created}, expected all new")
        firsts.append(seconds)
        first_queries.add(queries)
        rows.append((f"first import, round {round_no + 1}", seconds, queries, uai))
        err.print(f"round {round_no + 1}/{args.runs}: {seconds:.2f} s, {queries} queries")

    if sources is None:  # --runs >= 1
        raise SystemExit("no round ran")
    report, seconds, queries = timed_import(uai, sources, dry_run=True)
    rows.append(("dry run of the same files", seconds, queries, uai))
    report, seconds, queries = timed_import(uai, sources)
    if report.pupils.counts()["unchanged"] != args.pupils:
        raise SystemExit("re-import: pupils were changed")
    rows.append(("re-import, nothing to change", seconds, queries, uai))

    small = max(5, args.pupils // 5), max(1, args.guardians // 5)
    small_uai = _uai(args.runs + 1)
    school_add(commune_slug=SLUG, uai=small_uai, name="Petite école du banc", kind="primaire")
    report, small_seconds, small_queries = timed_import(small_uai, files_for(args.runs, *small))
    rows.append(
        (
            f"first import, {small[0]} pupils / {small[1]} guardians",
            small_seconds,
            small_queries,
            small_uai,
        )
    )
    with schema_context(SLUG):
        accounts = User.objects.count()

    median = round(statistics.median(firsts), 2)
    queries_constant = first_queries == {small_queries}
    table = Table(
        title=f"ONDE import of {args.pupils} pupils / {args.guardians} guardians "
        f"(median of {args.runs}; {accounts} accounts in the commune at the end)"
    )
    table.add_column("what")
    table.add_column("seconds", justify="right")
    table.add_column("queries", justify="right")
    table.add_column("school")
    for label, secs, count, school_uai in rows:
        table.add_row(label, f"{secs:.2f}", str(count), school_uai)
    out.print(table)
    bar = median <= BAR_SECONDS and queries_constant
    out.print(
        f"median {median} s (bar <= {BAR_SECONDS} s), queries "
        f"{sorted(first_queries)} at {args.pupils} pupils vs {small_queries} at {small[0]}: "
        + ("[green]bar holds[/]" if bar else "[red]bar missed[/]")
    )
    return {
        "bench": "import_onde",
        "pupils": args.pupils,
        "guardians": args.guardians,
        "seconds": median,
        "queries": max(first_queries),
        "queries_small": small_queries,
        "reimport_seconds": round(rows[-2][1], 2),
        "runs": args.runs,
    }


if __name__ == "__main__":
    sys.exit(main())
