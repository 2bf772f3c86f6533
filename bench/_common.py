"""Helpers shared by the scripts in bench/ (a folder of scripts, not a package).

Import it from a bench script with the script's own folder on sys.path, which is the case
when the script is run as ``python bench/<name>.py``::

    from _common import django_setup, drop_database, fresh_database

Nothing here knows about a particular benchmark: a throw-away database on the server named
by DATABASE_URL, Django set up against it, and small timing helpers.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ent"
DEFAULT_SETTINGS = "config.settings.test"

_DB_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def server_url() -> str:
    """The DATABASE_URL of the environment (or the default one): it names the server."""
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def database_url(name: str, base_url: str | None = None) -> str:
    """``base_url`` (default: DATABASE_URL) with its database replaced by ``name``."""
    parts = urlsplit(base_url or server_url())
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _connect_params(url: str, dbname: str) -> dict[str, object]:
    parts = urlsplit(url)
    params: dict[str, object] = {"dbname": dbname}
    if parts.hostname:
        params["host"] = unquote(parts.hostname)
    if parts.port:
        params["port"] = parts.port
    if parts.username:
        params["user"] = unquote(parts.username)
    if parts.password:
        params["password"] = unquote(parts.password)
    return params


def _check_name(name: str) -> None:
    if not _DB_NAME_RE.match(name):
        raise ValueError(f"refusing database name {name!r}: use [a-z_][a-z0-9_]*")


def _admin(sql_statements: list[str], base_url: str) -> None:
    """Run statements on the server's maintenance database, outside any transaction."""
    import psycopg2

    conn = psycopg2.connect(**_connect_params(base_url, "postgres"))
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            for statement in sql_statements:
                cursor.execute(statement)
    finally:
        conn.close()


def fresh_database(name: str, base_url: str | None = None) -> str:
    """Drop ``name`` if it exists, create it empty, return its URL (same server and user)."""
    _check_name(name)
    base = base_url or server_url()
    _admin([f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'], base)
    return database_url(name, base)


def drop_database(url: str) -> None:
    """Drop the database ``url`` names (closing Django's connections first if Django is set up)."""
    name = unquote(urlsplit(url).path.lstrip("/"))
    _check_name(name)
    if "django" in sys.modules:
        from django.db import connections

        try:
            connections.close_all()
        except Exception:  # noqa: BLE001, S110 - Django may not be configured at all
            pass
    _admin([f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], url)


def django_setup(database_url: str, settings_module: str = DEFAULT_SETTINGS) -> None:
    """Point the project at ``database_url`` and set Django up, as manage.py would."""
    for path in (REPO_ROOT / "platform", REPO_ROOT):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django

    django.setup()


def timed(func: Callable[[], object]) -> float:
    """Milliseconds ``func()`` takes, measured with time.perf_counter."""
    started = time.perf_counter()
    func()
    return (time.perf_counter() - started) * 1000


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """``with stopwatch() as elapsed: ...`` then ``elapsed[0]`` is the block's milliseconds."""
    elapsed: list[float] = []
    started = time.perf_counter()
    try:
        yield elapsed
    finally:
        elapsed.append((time.perf_counter() - started) * 1000)


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples), 1)
