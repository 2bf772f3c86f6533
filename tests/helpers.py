"""Shared test helpers: a fingerprint of the whole database to prove nothing changed, an
operator's command run as a real process, and query counts that do not depend on the clock
(with what a request's statements are, and how often they read the Actor's relations)."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

ROOT = Path(__file__).resolve().parents[1]


def run_manage(*arguments: str) -> subprocess.CompletedProcess[str]:
    """``manage.py <arguments>`` in a process of its own, on the test database: what an
    operator sees (exit code, stdout, stderr)."""
    environment = dict(os.environ)
    settings_dict = connection.settings_dict
    environment["DATABASE_URL"] = (
        f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD']}@"
        f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/"
        f"{settings_dict['NAME']}"
    )
    environment["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def database_state() -> dict[str, object]:
    """Schemas, and the row count of every table of the public schema."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg_%%' "
            "AND nspname <> 'information_schema' ORDER BY nspname"
        )
        schemas = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM public."{table}"')  # noqa: S608 - catalog names
            counts[table] = cursor.fetchone()[0]
    return {"schemas": schemas, "rows": counts}


def pinned_routing_stamp() -> override_settings:
    """Inside the block the routing stamp, once read, never expires (see ``count_queries``)."""
    return override_settings(ENT_ROUTING_STAMP_SECONDS=math.inf)


@contextmanager
def count_queries() -> Iterator[CaptureQueriesContext]:
    """The queries of the block, with the routing stamp pinned for its duration.

    Each process re-reads the routing stamp when ``ENT_ROUTING_STAMP_SECONDS`` have passed
    since its last read (tenants/routing.py). A count taken after a slow step (provisioning a
    commune, printing cards, a loaded machine) would then include that read or not, depending
    on the clock. Inside the block the stamp, once read, never expires: the first request after
    ``host_cache.clear()`` (done before every test) still reads it, every time, so a count is
    the same on any machine. Read ``len(queries)`` inside the test function, before the next
    request: the capture is a slice of the connection's log.
    """
    with pinned_routing_stamp(), CaptureQueriesContext(connection) as queries:
        yield queries


@contextmanager
def assert_num_queries(expected: int) -> Iterator[CaptureQueriesContext]:
    """``count_queries()`` that fails unless the block ran exactly ``expected`` queries (the
    queries are listed in the failure)."""
    with count_queries() as queries:
        yield queries
    executed = len(queries)
    if executed != expected:
        listing = "\n".join(f"{n}. {query['sql']}" for n, query in enumerate(queries, 1))
        raise AssertionError(f"{executed} queries instead of {expected}:\n{listing}")


# The five relationship queries of ``apps.accounts.selectors.actors_for``, by their table.
RELATIONSHIP_TABLES = (
    '"schools_schoolyear"',
    '"schools_schoolmembership"',
    '"schools_guardianship"',
    '"schools_classroom_teachers"',
    '"schools_enrolment"',
)
# Other reads of a request select enrolments too (a class's pupils on a form, a note's
# recipients): the Actor's is the one that also reads whether classmates may write to one
# another.
_ACTOR_READ_MARKS = {'"schools_enrolment"': '"pupils_may_message_each_other"'}


def statements(queries: CaptureQueriesContext) -> list[str]:
    """The reads and writes: SAVEPOINT / RELEASE are the transaction's bookkeeping (in a test,
    every ``atomic`` block is a savepoint, the test itself running in a transaction)."""
    return [
        query["sql"]
        for query in queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def relationship_reads(sql: list[str]) -> dict[str, int]:
    """How many times each of the Actor's relationship tables is read: once each when a request
    builds its caller's Actor once."""
    return {
        table: sum(
            1
            for line in sql
            if line.startswith("SELECT")
            and f"FROM {table}" in line
            and _ACTOR_READ_MARKS.get(table, "") in line
        )
        for table in RELATIONSHIP_TABLES
    }
