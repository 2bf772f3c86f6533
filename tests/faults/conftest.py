"""Processes the fault tests start, stop and start again: a Redis of their own (stopping it
must not disturb anything else using the shared one), and the waits they use, each bounded
by a deadline."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pytest

T = TypeVar("T")

REDIS_SERVER = "/usr/bin/redis-server"
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(what: str, check: Callable[[], T | None], *, seconds: float = 60.0) -> T:
    """``check()``'s first truthy value, polled until ``seconds`` have passed (then fails)."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"still waiting after {seconds:.0f} s: {what}")
        time.sleep(0.05)


def stop_process(process: subprocess.Popen[bytes], *, kill: bool = False) -> None:
    """End a process started in its own session, and all its children."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@dataclass
class RedisServer:
    port: int
    process: subprocess.Popen[bytes] | None = None
    started: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert self.process is None or self.process.poll() is not None
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.started.append(self.process)
        wait_for(f"redis on port {self.port}", lambda: _answers(self.port), seconds=30)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, kill=True)
        wait_for("redis stopped", lambda: not _answers(self.port), seconds=30)


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer(port=free_port())
    server.start()
    try:
        yield server
    finally:
        for process in server.started:
            stop_process(process, kill=True)
