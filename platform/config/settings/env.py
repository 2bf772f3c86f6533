"""Reading configuration from the environment, with one clear error on bad values."""

from __future__ import annotations

import os
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false).")


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.") from exc


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from exc
    if value < 0:
        raise ImproperlyConfigured(f"{name}={raw!r} cannot be negative.")
    return value


def database_from_url(url: str) -> dict[str, object]:
    """Turn ``postgres://user:pass@host:port/name?sslmode=…`` into a DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL must be a postgres:// URL (got scheme {parts.scheme!r}); "
            "ENT Groupement runs on PostgreSQL only."
        )
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured("DATABASE_URL names no database.")
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    return {
        # Our backend wraps django-tenants' one: see config/db/base.py.
        "ENGINE": "config.db",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": unquote(parts.hostname or ""),
        "PORT": str(parts.port or ""),
        "OPTIONS": options,
        # No persistent connections: under ASGI every request runs its sync code in a thread
        # of its own, so a persistent connection is one more server connection per request,
        # left open after it. Connections are reused through the pool instead
        # (connection_pool below), which Django only accepts with CONN_MAX_AGE = 0.
        "CONN_MAX_AGE": 0,
        # A connection handed out by the pool is checked first (one empty query): a pooled
        # connection the server dropped (restart, failover) is replaced instead of failing.
        "CONN_HEALTH_CHECKS": True,
    }


def connection_pool(
    *, max_size: int, min_size: int, timeout: float, max_idle: float
) -> dict[str, object]:
    """``DATABASES[…]["OPTIONS"]["pool"]``: psycopg's pool, one per process (uvicorn worker).

    At most ``max_size`` server connections per process, ``min_size`` kept open when idle; a
    request waits up to ``timeout`` seconds for one, then gets the 503 page
    (config/overload.py). Above ``min_size``, a connection unused for ``max_idle`` seconds is
    closed (one per ``max_idle`` period), so a burst's connections go away after it.
    """
    if max_size < 1:
        raise ImproperlyConfigured("ENT_DB_POOL_MAX must be at least 1 (0 turns the pool off).")
    if min_size > max_size:
        raise ImproperlyConfigured(
            f"ENT_DB_POOL_MIN={min_size} cannot exceed ENT_DB_POOL_MAX={max_size}."
        )
    if timeout <= 0 or max_idle <= 0:
        raise ImproperlyConfigured(
            "ENT_DB_POOL_TIMEOUT and ENT_DB_POOL_MAX_IDLE must be positive numbers of seconds."
        )
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError as exc:
        # Said at start-up, not as a 500 on every request once the first query is made.
        raise ImproperlyConfigured(
            "The database connection pool needs psycopg 3 and psycopg_pool "
            "(pip install 'psycopg[binary,pool]', listed in pyproject.toml); "
            "ENT_DB_POOL_MAX=0 turns the pool off."
        ) from exc
    return {"min_size": min_size, "max_size": max_size, "timeout": timeout, "max_idle": max_idle}
