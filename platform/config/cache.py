"""Django's Redis cache, degraded to a cache that holds nothing while Redis is unreachable.

Nothing the ENT keeps in the cache is the only copy of anything (sessions are in the
database, config/sessions.py): an unreachable Redis must slow pages down, never fail them.
Every operation that cannot reach Redis is logged and answered as a miss would be: ``get``
gives the default, ``add`` stores (nothing was there), ``incr`` raises ValueError (no such
key), writes and deletes do nothing. The rate limiters and the "mail sent once" markers
built on the cache therefore fail open — a mail may be sent twice, none is lost.

After a failure Redis is left alone for ``DOWN_RETRY_SECONDS`` (an OPTIONS entry, 5 s by
default), so that a page making many cache calls does not pay as many connection attempts;
the first call after that delay tries again, and the cache works again once Redis answers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger("ent.cache")

T = TypeVar("T")

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)

# Shared by every thread's cache object (Django makes one per thread): the outage is the
# server's, not the thread's.
_down_until: dict[str, float] = {}
_lock = threading.Lock()


class DegradingRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS", {}))
        self._retry_seconds = float(options.pop("DOWN_RETRY_SECONDS", 5.0))
        # Redis on another machine that stops answering must not hold a page for long.
        options.setdefault("socket_connect_timeout", 1.0)
        options.setdefault("socket_timeout", 1.0)
        super().__init__(server, {**params, "OPTIONS": options})
        self._server_key = server if isinstance(server, str) else ",".join(server)

    def _guarded(self, operation: str, call: Callable[[], T], fallback: Callable[[], T]) -> T:
        now = time.monotonic()
        if _down_until.get(self._server_key, 0.0) > now:
            return fallback()
        try:
            result = call()
        except UNREACHABLE as error:
            with _lock:
                already_down = self._server_key in _down_until
                _down_until[self._server_key] = now + self._retry_seconds
            if not already_down:
                log.error("cache unreachable (%s: %s): answering as a miss", operation, error)
            return fallback()
        if self._server_key in _down_until:
            with _lock:
                if _down_until.pop(self._server_key, None) is not None:
                    log.warning("cache reachable again")
        return result

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return self._guarded(
            "add",
            lambda: super(DegradingRedisCache, self).add(key, value, timeout, version),
            lambda: True,
        )

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._guarded(
            "get",
            lambda: super(DegradingRedisCache, self).get(key, default, version),
            lambda: default,
        )

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._guarded(
            "set",
            lambda: super(DegradingRedisCache, self).set(key, value, timeout, version),
            lambda: None,
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._guarded(
            "touch",
            lambda: super(DegradingRedisCache, self).touch(key, timeout, version),
            lambda: False,
        )

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._guarded(
            "delete",
            lambda: super(DegradingRedisCache, self).delete(key, version),
            lambda: False,
        )

    def get_many(self, keys: Iterable[Any], version: Any = None) -> dict[Any, Any]:
        keys = list(keys)
        return self._guarded(
            "get_many",
            lambda: super(DegradingRedisCache, self).get_many(keys, version),
            dict,
        )

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._guarded(
            "has_key",
            lambda: super(DegradingRedisCache, self).has_key(key, version),
            lambda: False,
        )

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        def missing() -> int:
            raise ValueError(f"Key {key!r} not found (cache unreachable).")

        return self._guarded(
            "incr", lambda: super(DegradingRedisCache, self).incr(key, delta, version), missing
        )

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[Any]:
        return self._guarded(
            "set_many",
            lambda: super(DegradingRedisCache, self).set_many(data, timeout, version),
            lambda: list(data),
        )

    def delete_many(self, keys: Iterable[Any], version: Any = None) -> None:
        keys = list(keys)
        self._guarded(
            "delete_many",
            lambda: super(DegradingRedisCache, self).delete_many(keys, version),
            lambda: None,
        )

    def clear(self) -> None:
        self._guarded("clear", lambda: super(DegradingRedisCache, self).clear(), lambda: None)
