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
    # ``info``: the same on either PostgreSQL driver (psycopg 2 or 3).
    major = connection.cursor().connection.info.server_version // 10000
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


_SESSION_STATEMENT = re.compile(r"^(?:SET |SELECT pg_catalog\.set_config\()")


def _statements(script: str) -> list[str]:
    """Split pg_dump's plain output into statements, leaving string literals whole.

    Comments, blank lines and psql meta-commands (``\\restrict``) between statements are
    dropped; a line inside a multi-line string value is kept whatever it starts with.
    """
    statements: list[str] = []
    current: list[str] = []
    in_literal = False
    for line in script.splitlines():
        if not current and not in_literal:
            stripped = line.strip()
            if not stripped or stripped.startswith("--") or stripped.startswith("\\"):
                continue
        current.append(line)
        # Quotes come in pairs ('' escapes one), so an odd count flips the state.
        if line.count("'") % 2:
            in_literal = not in_literal
        if not in_literal and line.rstrip().endswith(";"):
            statements.append("\n".join(current))
            current = []
    if current:
        raise TemplateError("pg_dump a produit un script inachevé.")
    return statements


def compile_script(script: str, source: str) -> list[str]:
    """The template's script cut at every place that names its schema.

    Provisioning joins the pieces with the new schema's quoted name. Only schema
    qualifiers move: the rows' own values (INSERT ... VALUES) are copied untouched, and
    pg_dump's session settings are left out (an empty search_path would outlive the script
    on a pooled connection).
    """
    name = re.compile(rf'"?\b{re.escape(source)}\b"?')
    parts = [""]

    def add(text: str, *, rename: bool) -> None:
        pieces = name.split(text) if rename else [text]
        parts[-1] += pieces[0]
        parts.extend(pieces[1:])

    for statement in _statements(script):
        if _SESSION_STATEMENT.match(statement):
            continue
        if statement.startswith("INSERT INTO "):
            head, values_keyword, values = statement.partition(" VALUES")
            add(head, rename=True)
            add(values_keyword + values + "\n", rename=False)
        else:
            add(statement + "\n", rename=True)
    return parts


def script_for_schema(parts: list[str], schema: str) -> str:
    return f'"{schema}"'.join(parts)


def refresh_snapshot() -> TemplateSnapshot:
    """Capture the template schema as it is now (run after migrating it)."""
    schema = template_schema()
    if not schema_exists(schema):
        raise TemplateError(f"Le schéma modèle {schema} n'existe pas : lancez migrate_schemas.")
    parts = compile_script(dump_schema(schema), schema)
    migrations = recorded_migrations(schema)
    use_public_schema()
    snapshot, _ = TemplateSnapshot.objects.update_or_create(
        pk=1,
        defaults={
            "schema_name": schema,
            "sql_parts": parts,
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
