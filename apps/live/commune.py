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

    result: T = await database_sync_to_async(call)()
    return result


async def in_public(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    def call() -> T:
        use_public_schema()
        return function(*args, **kwargs)

    result: T = await database_sync_to_async(call)()
    return result
