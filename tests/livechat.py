"""Real WebSocket peers against real uvicorn processes (tests/chat).

``Server`` runs ``uvicorn config.asgi:application`` (or a test's own ASGI module) in a process of
its own, on a free loopback port, against the test database and the suite's Redis (the channel
layer). ``Peer`` is a client of the ``websockets`` library: it connects to 127.0.0.1 while naming
the commune's host (``Host`` and ``Origin`` as a browser sends them) and presents a session
cookie. Nothing here waits for a fixed time: a peer waits for a message (up to a generous bound,
for a loaded machine), and a server for its health check to answer.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context
from websockets.sync.client import ClientConnection, connect

from config.sessions import SessionStore

ROOT = Path(__file__).resolve().parents[1]
# How long a loaded machine may take to answer (a bound, never a pause).
PATIENCE = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url() -> str:
    """The test database, as the server process must reach it."""
    params = connection.settings_dict
    user = quote(params["USER"] or "")
    password = f":{quote(params['PASSWORD'])}" if params.get("PASSWORD") else ""
    host, port, name = params["HOST"] or "127.0.0.1", params["PORT"] or 5432, params["NAME"]
    if host.startswith("/"):  # a socket folder (the private PostgreSQL of `make test`)
        return f"postgres://{user}{password}@/{name}?host={quote(host)}&port={port}"
    return f"postgres://{user}{password}@{host}:{port}/{name}"


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def host(self, slug: str) -> str:
        return f"{slug}.{settings.ENT_BASE_DOMAIN}:{self.port}"

    def url(self, slug: str, path: str = "/") -> str:
        return f"http://{self.host(slug)}{path}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=PATIENCE)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_server(
    log_dir: Path, *, app: str = "config.asgi:application", env: dict[str, str] | None = None
) -> Server:
    port = free_port()
    log = log_dir / f"uvicorn-{port}.log"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "platform"), str(ROOT)]),
        **(env or {}),
    }
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "uvicorn",
                app,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--ws-max-size",
                str(settings.ENT_WS_MAX_MESSAGE_BYTES * 4),
                "--log-level",
                "warning",
                # A test's server need not wait for its clients' last frames on the way out.
                "--timeout-graceful-shutdown",
                "3",
            ],
            cwd=ROOT,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(port=port, process=process, log=log)
    deadline = time.monotonic() + PATIENCE
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn stopped: {log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:  # noqa: S310
                if answer.status == 200:
                    return server
        except OSError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"uvicorn did not answer: {log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)  # polling a starting process, not waiting for a result


def session_for(schema: str, user: Any) -> str:
    """A session of ``user`` in ``schema``'s store, as the login view leaves it (committed)."""
    with schema_context(schema):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "apps.accounts.security.backends.EntModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        if user.requires_two_factor:  # administrators: a session that has given its code
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            store[DEVICE_ID_SESSION_KEY] = device.persistent_id
        store.create()
        return str(store.session_key)


@dataclass
class Peer:
    ws: ClientConnection
    # The connection is a context manager (websockets wants it used as one): closing the peer
    # leaves it.
    stack: ExitStack
    seen: list[dict[str, Any]] = field(default_factory=list)

    def send(self, **payload: Any) -> None:
        self.ws.send(json.dumps(payload))

    def receive(self) -> dict[str, Any]:
        message = json.loads(self.ws.recv(timeout=PATIENCE))
        self.seen.append(message)
        return dict(message)

    def until(self, kind: str, **fields: Any) -> dict[str, Any]:
        """The next message of type ``kind`` (with ``fields``), skipping the others."""
        while True:
            message = self.receive()
            if message.get("type") == kind and all(message.get(k) == v for k, v in fields.items()):
                return message

    def close(self) -> None:
        self.stack.close()


def open_peer(
    server: Server,
    slug: str,
    path: str,
    session_key: str = "",
    *,
    origin: str | None = None,
) -> Peer:
    """A connection to ``path`` on ``slug``'s host; raises ``websockets.InvalidStatus`` (403)
    when the handshake is refused."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=PATIENCE)
    host = server.host(slug)
    headers = [("Cookie", f"{settings.SESSION_COOKIE_NAME}={session_key}")] if session_key else []
    stack = ExitStack()
    ws = stack.enter_context(
        connect(
            f"ws://{host}{path}",
            sock=sock,
            origin=origin if origin is not None else f"http://{host}",  # type: ignore[arg-type]
            additional_headers=headers,
            open_timeout=PATIENCE,
            close_timeout=PATIENCE,
        )
    )
    return Peer(ws, stack)


@contextmanager
def peers(*opened: Peer) -> Iterator[tuple[Peer, ...]]:
    try:
        yield opened
    finally:
        for peer in opened:
            peer.close()
