"""A task for the worker-crash test, loaded by the test's worker (``--include``): it counts
its starts, waits for a flag file (the test creates it once the first worker is dead), then
counts its completion."""

from __future__ import annotations

import os
import time

import redis

from config.celery import app


@app.task(name="faults.count_after_flag")
def count_after_flag(*, redis_url: str, key: str, flag: str) -> None:
    counters = redis.Redis.from_url(redis_url)
    counters.incr(f"{key}:started")
    deadline = time.monotonic() + 60
    while not os.path.exists(flag):
        if time.monotonic() > deadline:
            raise TimeoutError("the flag never came")
        time.sleep(0.05)
    counters.incr(f"{key}:completed")
