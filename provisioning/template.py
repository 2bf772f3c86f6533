"""The template schema: a migrated, commune-less schema that new communes are copied from.

We capture it once, after each ``migrate_schemas``, as a single SQL script (pg_dump of the
schema: DDL and the rows migrations and ``post_migrate`` wrote — django_migrations, content
types, permissions). Provisioning replays that script under the new schema's name inside
its own transaction: the same work as replaying raw DDL, with none of the per-migration
state rendering that makes the migrate path slow.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import schema_context, schema_exists

from provisioning.models import TemplateSnapshot
from tenants.db import use_public_schema


class TemplateError(Exception):
    """The template cannot be used; the message says what to do."""


def template_schema() -> str:
    return str(settings.ENT_TEMPLATE_SCHEMA)


def migrations_fingerprint(migrations: list[tuple[str, str]] | list[list[str]]) -> str:
    canonical = json.dumps(sorted([list(item) for item in migrations]))
    return hashlib.sha256(canonical.encode()).hexdigest()


@lru_cache(maxsize=1)
def disk_migrations() -> tuple[tuple[str, str], ...]:
    """Every migration the code ships. Cached per process: files do not change under it."""
    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    return tuple(sorted(loader.disk_migrations))


def recorded_migrations(schema: str) -> list[tuple[str, str]]:
    with schema_context(schema), connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [(app, name) for app, name in cursor.fetchall()]


def pg_bin(tool: str) -> str:
    """The PostgreSQL client tool matching the server's major version."""
    if settings.ENT_PG_BINDIR:
        return str(Path(settings.ENT_PG_BINDIR) / tool)
    major = connection.cursor().connection.server_version // 10000
    candidate = Path(f"/usr/lib/postgresql/{major}/bin/{tool}")
    if candidate.exists():
        return str(candidate)
    found = shutil.which(tool)
    if not found:
        raise TemplateError(f"{tool} introuvable : installez le client PostgreSQL {major}.")
    return found


def dump_schema(schema: str, *, schema_only: bool = False) -> str:
    """pg_dump of one schema as plain SQL (no owners, no grants)."""
    params = connection.settings_dict
    args = [
        pg_bin("pg_dump"),
        "--schema",
        schema,
        "--no-owner",
        "--no-privileges",
        "--no-comments",
        "--dbname",
        str(params["NAME"]),
    ]
    if schema_only:
        args.append("--schema-only")
    else:
        # Plain INSERTs (not COPY … FROM stdin) so the script runs through one execute().
        args += ["--inserts", "--rows-per-insert", "1000"]
    if params.get("HOST"):
        args += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", str(params["USER"])]
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    result = subprocess.run(  # noqa: S603 - fixed argument list, no shell
        args, capture_output=True, text=True, env=env, check=False
    )
    if result.returncode != 0:
        raise TemplateError(f"pg_dump a échoué : {result.stderr.strip()}")
    return result.stdout


_SESSION_LINE = re.compile(
    r"^(?:SET |SELECT pg_catalog\.set_config|\\|--)",
)


def strip_session_statements(script: str) -> str:
    """Keep the schema's objects, drop pg_dump's session settings, comments and psql meta-commands.

    The session settings (notably an empty search_path) would outlive the script on a pooled
    connection, and psql's ``\\restrict`` lines are not SQL.
    """
    kept = [line for line in script.splitlines() if not _SESSION_LINE.match(line)]
    return "\n".join(line for line in kept if line.strip()) + "\n"


def rename_schema(script: str, source: str, target: str) -> str:
    """Point every reference to the source schema at the target one (always quoted)."""
    return re.sub(rf'"?\b{re.escape(source)}\b"?', f'"{target}"', script)


def refresh_snapshot() -> TemplateSnapshot:
    """Capture the template schema as it is now (run after migrating it)."""
    schema = template_schema()
    if not schema_exists(schema):
        raise TemplateError(f"Le schéma modèle {schema} n'existe pas : lancez migrate_schemas.")
    script = strip_session_statements(dump_schema(schema))
    migrations = recorded_migrations(schema)
    use_public_schema()
    snapshot, _ = TemplateSnapshot.objects.update_or_create(
        pk=1,
        defaults={
            "schema_name": schema,
            "sql": script,
            "migrations": [list(item) for item in migrations],
            "fingerprint": migrations_fingerprint(migrations),
        },
    )
    return snapshot


def current_snapshot() -> TemplateSnapshot:
    """The snapshot to provision from, refusing one that lags behind the migration files."""
    use_public_schema()
    snapshot = TemplateSnapshot.objects.filter(pk=1).first()
    if snapshot is None:
        raise TemplateError("Aucun schéma modèle : lancez d'abord « manage.py migrate_schemas ».")
    missing = set(disk_migrations()) - {tuple(item) for item in snapshot.migrations}
    if missing:
        example = ", ".join(f"{app}.{name}" for app, name in sorted(missing)[:3])
        raise TemplateError(
            f"Le schéma modèle est en retard de {len(missing)} migration(s) ({example}) : "
            "lancez « manage.py migrate_schemas » avant de provisionner."
        )
    return snapshot


def ensure_template_schema() -> None:
    schema = template_schema()
    if not schema_exists(schema):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema}"')
