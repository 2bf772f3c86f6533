"""The bar: a burst against uvicorn run as in production keeps PostgreSQL bounded.

uvicorn is started here as the reference deployment runs it (ansible/roles/asgi: several
workers, production settings, proxy headers, no lifespan) on a free loopback port and on the
test database, with the default pool and in-flight settings but for ENT_DB_POOL_MAX_IDLE,
shortened so that the pool's slow shrinking after the burst fits the test. 500 requests are
then fired at once at two communes' home pages, from threads, each request once:

* every answer is a 200 or a 503 with Retry-After: never a 500, never a refused connection;
* each commune's 200 pages show its own school and never the other's;
* PostgreSQL's connection count for the database (pg_stat_activity, sampled all along) never
  goes above ENT_DB_POOL_MAX × workers, plus the connections this test itself holds;
* within a minute after, it is back to the pools' idle size (ENT_DB_POOL_MIN × workers).

The waits are bounded polls; nothing here asserts on a duration.
"""

from __future__ import annotations

import http.client
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

from apps.schools.models import School
from tests.world import uai

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2
REQUESTS = 500
# The connections the pool of this test process may hold to the test database, besides
# the ones counted at the start.
MARGIN = 2
SCHOOLS = {"bordeaux": "École Charge Bordeaux", "pessac": "École Charge Pessac"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database_url() -> str:
    params = connection.settings_dict
    return (
        f"postgres://{params['USER']}:{params['PASSWORD']}@{params['HOST'] or '127.0.0.1'}:"
        f"{params['PORT'] or 5432}/{params['NAME']}"
    )


@dataclass
class Answer:
    status: int
    retry_after: str | None
    body: str


def get(port: int, slug: str, timeout: float = 30) -> Answer:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(
            "GET",
            "/",
            headers={
                "Host": f"{slug}.{settings.ENT_BASE_DOMAIN}",
                # nginx's header: production settings redirect plain HTTP to HTTPS otherwise.
                "X-Forwarded-Proto": "https",
            },
        )
        response = conn.getresponse()
        return Answer(response.status, response.getheader("Retry-After"), response.read().decode())
    finally:
        conn.close()


class Server:
    """uvicorn on the test database, as ansible/roles/asgi/templates/ent-asgi.service.j2."""

    def __init__(self, log: Path, *, workers: int, **environment: str) -> None:
        self.port = _free_port()
        self.workers = workers
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.production",
            DATABASE_URL=_database_url(),
            SECRET_KEY=secrets.token_urlsafe(48),
            DJANGO_DEBUG="0",
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            LOG_LEVEL="WARNING",
            PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
        )
        env.update(environment)
        self.log = log
        self._log_file = log.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "config.asgi:application",
                "--app-dir",
                "platform",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                "--proxy-headers",
                "--forwarded-allow-ips",
                "127.0.0.1",
                "--lifespan",
                "off",
                "--no-server-header",
                "--timeout-graceful-shutdown",
                "5",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, deadline: float = 60) -> None:
        """Every worker up: a run of answered requests (each may land on any worker)."""
        end = time.monotonic() + deadline
        answered = 0
        while time.monotonic() < end and answered < 4 * self.workers:
            assert self.process.poll() is None, self.log.read_text()
            try:
                answered += get(self.port, "bordeaux", timeout=5).status == 200
            except OSError:
                time.sleep(0.2)
        assert answered >= 4 * self.workers, self.log.read_text()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._log_file.close()


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    started: list[Server] = []

    def start(*, workers: int = WORKERS, **environment: str) -> Server:
        running = Server(tmp_path / f"uvicorn-{len(started)}.log", workers=workers, **environment)
        started.append(running)
        running.wait_ready()
        return running

    yield start
    for running in started:
        running.stop()


@pytest.fixture
def schools(transactional_db: None) -> Iterator[None]:
    """A school in each commune, committed so that the server sees it."""
    for slug, name in SCHOOLS.items():
        with schema_context(slug):
            code = uai("0339901" if slug == "bordeaux" else "0339902")
            # Committed: a run stopped before its clean-up may have left it.
            School.objects.filter(uai=code).delete()
            School.objects.create(
                uai=code, name=name, kind="elementaire", deployment_status="active"
            )
    yield
    # The transactional test's flush empties the public tables only.
    for slug, name in SCHOOLS.items():
        with schema_context(slug):
            School.objects.filter(name=name).delete()


class ConnectionCount:
    """pg_stat_activity's count for the test database, sampled in a thread of its own."""

    def __init__(self) -> None:
        params = connection.settings_dict
        self.database = params["NAME"]
        self.conn = psycopg.connect(
            host=params["HOST"] or "127.0.0.1",
            port=int(params["PORT"] or 5432),
            user=params["USER"],
            password=params["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        )
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def now(self) -> int:
        row = self.conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [self.database]
        ).fetchone()
        assert row is not None
        return int(row[0])

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.samples.append(self.now())
            self._stop.wait(0.02)

    def __enter__(self) -> ConnectionCount:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def settles_at(self, ceiling: int, deadline: float = 60) -> int:
        """Polls until the count is at most ``ceiling`` (for up to ``deadline`` seconds)."""
        end = time.monotonic() + deadline
        count = self.now()
        while count > ceiling and time.monotonic() < end:
            time.sleep(0.5)
            count = self.now()
        return count

    def close(self) -> None:
        self.conn.close()


def burst(port: int, total: int) -> tuple[list[tuple[str, Answer]], list[BaseException]]:
    """``total`` requests at once, alternating between the two communes."""
    answers: list[tuple[str, Answer]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    go = threading.Event()

    def one(slug: str) -> None:
        go.wait(timeout=30)
        try:
            answer = get(port, slug)
        except BaseException as exc:  # a refused or reset connection is a failure too
            with lock:
                errors.append(exc)
        else:
            with lock:
                answers.append((slug, answer))

    slugs = list(SCHOOLS)
    threads = [
        threading.Thread(target=one, args=(slugs[i % len(slugs)],), daemon=True)
        for i in range(total)
    ]
    for thread in threads:
        thread.start()
    go.set()
    end = time.monotonic() + 90
    for thread in threads:
        thread.join(timeout=max(0.1, end - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), "requests still pending"
    return answers, errors


def _assert_own_school(slug: str, answer: Answer) -> None:
    for other, name in SCHOOLS.items():
        assert (name in answer.body) == (other == slug), (slug, other)


def test_a_burst_gets_200_or_503_and_postgresql_stays_bounded(schools, start_server):
    counter = ConnectionCount()
    try:
        before = counter.now()
        running = start_server(ENT_DB_POOL_MAX_IDLE="1")
        pool_max = settings.ENT_DB_POOL_MAX
        options = cast(dict[str, dict[str, int]], settings.DATABASES["default"]["OPTIONS"])
        pool_options = options["pool"]
        pool_min = pool_options["min_size"]

        with counter:
            answers, errors = burst(running.port, REQUESTS)

        assert errors == []
        assert len(answers) == REQUESTS
        statuses = {answer.status for _, answer in answers}
        assert statuses <= {200, 503}, running.log.read_text()[-3000:]
        assert 200 in statuses
        for slug, answer in answers:
            if answer.status == 503:
                assert answer.retry_after and int(answer.retry_after) > 0
                assert "Réessayez dans quelques secondes" in answer.body
            else:
                _assert_own_school(slug, answer)
        assert counter.samples, "no sample taken"
        assert max(counter.samples) <= before + pool_max * WORKERS + MARGIN, counter.samples

        idle = before + pool_min * WORKERS + MARGIN
        assert counter.settles_at(idle) <= idle
        # The server still answers normally after the burst.
        _assert_own_school("pessac", get(running.port, "pessac"))
    finally:
        counter.close()


def test_two_communes_alternating_through_a_pool_of_one_see_their_own(schools, start_server):
    running = start_server(workers=1, ENT_DB_POOL_MAX="1", ENT_DB_POOL_MIN="1")

    for slug in ["bordeaux", "pessac", "bordeaux", "pessac", "pessac", "bordeaux"]:
        answer = get(running.port, slug)
        assert answer.status == 200
        _assert_own_school(slug, answer)
