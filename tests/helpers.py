"""Shared test helpers: a fingerprint of the whole database to prove nothing changed, and an
operator's command run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

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
