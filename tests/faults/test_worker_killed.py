"""A Celery worker killed (kill -9) in the middle of a task: the task is delivered again and
completes once. The whole worker killed (a machine lost): the next worker gets the message
once the broker's visibility timeout has passed (CELERY_TASK_ACKS_LATE). Only the process
running the task killed (out of memory): the worker puts the message back at once
(CELERY_TASK_REJECT_ON_WORKER_LOST) and runs it again.

Real worker processes of the project's Celery app (prefork pool, as in production: a solo
worker acknowledges from its event loop, which the running task blocks) on a Redis of the
test's own; the task (tests/faults/worker_tasks.py) blocks on a flag file the test creates
once the process running it is dead."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from celery import Celery

from tests.faults.conftest import ROOT, RedisServer, stop_process, wait_for

Worker = Callable[[], subprocess.Popen[bytes]]


@pytest.fixture
def queue() -> str:
    return f"ent-faults-{uuid.uuid4().hex}"


@pytest.fixture
def start_worker(redis_server: RedisServer, queue: str) -> Iterator[Worker]:
    started: list[subprocess.Popen[bytes]] = []
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "REDIS_URL": redis_server.url,
        # A message taken by a worker that vanished goes to another after 1 s (an hour in
        # production: longer than any task).
        "ENT_CELERY_VISIBILITY_TIMEOUT": "1",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'platform'}",
    }

    def start() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            [sys.executable, "-m", "celery", "-A", "config.celery", "worker"]
            + ["-P", "prefork", "-c", "1", "-Q", queue, "--include", "tests.faults.worker_tasks"]
            + ["--without-gossip", "--without-mingle", "--without-heartbeat"]
            + ["-l", "WARNING", "-n", f"faults-{len(started)}@%h"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            stop_process(process, kill=True)


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in found]


@pytest.mark.parametrize("killed", ["worker", "child"])
def test_a_task_whose_worker_is_killed_runs_again_and_completes_once(
    redis_server: RedisServer, queue: str, start_worker: Worker, tmp_path: Path, killed: str
):
    counters = redis.Redis.from_url(redis_server.url)
    key = f"faults:{uuid.uuid4().hex}"
    flag = tmp_path / "go"
    producer = Celery(broker=redis_server.url)
    producer.send_task(
        "faults.count_after_flag",
        kwargs={"redis_url": redis_server.url, "key": key, "flag": str(flag)},
        queue=queue,
    )
    first = start_worker()
    wait_for(
        "the first worker to start the task", lambda: counters.get(f"{key}:started"), seconds=60
    )

    if killed == "worker":
        stop_process(first, kill=True)  # kill -9 of the worker and its pool, mid-task
        assert counters.get(f"{key}:completed") is None
        flag.touch()
        start_worker()
    else:
        (child,) = _children(first.pid)
        os.kill(child, signal.SIGKILL)  # the pool process running the task, mid-task
        wait_for("the pool process to be gone", lambda: child not in _children(first.pid))
        assert counters.get(f"{key}:completed") is None
        flag.touch()

    wait_for("the task to complete", lambda: counters.get(f"{key}:completed"), seconds=90)
    # Acknowledged once done: nothing left to deliver, nothing run a third time.
    wait_for(
        "the broker to hold no message",
        lambda: counters.llen(queue) == 0 and counters.hlen("unacked") == 0,
        seconds=30,
    )
    assert int(counters.get(f"{key}:started") or 0) == 2
    assert int(counters.get(f"{key}:completed") or 0) == 1
