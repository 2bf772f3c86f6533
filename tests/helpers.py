"""Shared test helpers: a fingerprint of the whole database to prove nothing changed."""

from __future__ import annotations

from django.db import connection


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
