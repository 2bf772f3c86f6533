"""Running a consumer's database work in its commune's schema.

django-tenants sets the schema on the thread's connection, and an async consumer's database
calls hop to a worker thread (``database_sync_to_async``) whose connection is on whatever schema
its last caller left: the schema does not follow the hop. So every call sets its commune's
schema inside the thread that runs it, and leaves the connection on the public schema after
(a later caller that forgot to set one reads no commune's rows)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from channels.db import database_sync_to_async

from tenants.db import tenant_connection, use_public_schema
from tenants.models import Commune

T = TypeVar("T")


async def in_commune(commune: Commune, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    def call() -> T:
        tenant_connection().set_tenant(commune)
        try:
            return function(*args, **kwargs)
        finally:
            use_public_schema()

    result: T = await _in_a_worker(call)
    return result


async def in_public(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    def call() -> T:
        use_public_schema()
        return function(*args, **kwargs)

    result: T = await _in_a_worker(call)
    return result


async def _in_a_worker(call: Callable[[], T]) -> T:
    """``call`` in a thread of the loop's executor, its connection closed (back to the pool)
    before and after, as ``database_sync_to_async`` does — but not thread-sensitive: that one
    runs every consumer's database work of the process on a single thread, one call after the
    other (bench/chat.py measured a quarter of the echo's rate so). Each consumer awaits its
    own calls in turn, so its order holds; what two consumers write at once is serialised
    where it must be, by the database (a room's row lock)."""
    result: T = await database_sync_to_async(call, thread_sensitive=False)()
    return result
