"""PostgreSQL restarted under a running server: while it is down requests get a 503 with
Retry-After (not the 500 page), and the server answers again by itself once it is back.

The database is a private PostgreSQL cluster started by the test (a copy of the test
database's public and Bordeaux schemas), served by a uvicorn process of its own, so that
stopping it disturbs nothing else."""

from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from provisioning.template import pg_bin
from tests.faults.conftest import ROOT, free_port, stop_process, wait_for

HOST = f"bordeaux.{settings.ENT_BASE_DOMAIN}"


def _as_postgres(command: list[str]) -> list[str]:
    # initdb and the server refuse to run as root.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@dataclass
class Cluster:
    folder: Path
    port: int
    # The server's own major version, found as the project finds pg_dump (ENT_PG_BINDIR, or
    # the version the test database runs): no PostgreSQL, no test run, never a silent skip.
    bindir: Path

    def _ctl(self, *args: str) -> None:
        subprocess.run(  # noqa: S603 - our own command line
            _as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"), *args]),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._ctl("-o", options, "-l", str(self.folder / "log"), "-w", "start")

    def stop(self) -> None:
        # "fast": the server ends every session, as a restart does.
        self._ctl("-m", "fast", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/ent"


@pytest.fixture
def cluster(db: None) -> Iterator[Cluster]:
    folder = Path(tempfile.mkdtemp(prefix="ent-faults-pg-"))
    shutil.chown(folder, "postgres") if os.geteuid() == 0 else None
    bindir = Path(pg_bin("pg_ctl")).parent
    found = Cluster(folder=folder, port=free_port(), bindir=bindir)
    subprocess.run(  # noqa: S603
        _as_postgres(
            [str(bindir / "initdb"), "-D", str(folder / "data"), "-U", "postgres"]
            + ["--auth=trust", "-E", "UTF8", "--no-sync"]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=60,
    )
    found.start()
    try:
        psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1"]
        subprocess.run([*psql, "-p", str(found.port), "-c", "CREATE DATABASE ent"], check=True)  # noqa: S603
        # The dump creates the public schema itself.
        subprocess.run(  # noqa: S603
            [*psql, "-p", str(found.port), "-d", "ent", "-c", "DROP SCHEMA public"], check=True
        )
        source = settings.DATABASES["default"]
        dump = subprocess.run(  # noqa: S603
            [str(bindir / "pg_dump"), "-h", str(source["HOST"]), "-U", str(source["USER"])]
            + ["-p", str(source["PORT"] or 5432), "-n", "public", "-n", "bordeaux"]
            + ["--no-owner", str(source["NAME"])],
            check=True,
            capture_output=True,
            timeout=60,
        )
        restore = subprocess.run(  # noqa: S603
            [*psql, "-p", str(found.port), "-d", "ent"],
            input=dump.stdout,
            capture_output=True,
            timeout=60,
        )
        assert restore.returncode == 0, restore.stderr.decode()[-2000:]
        yield found
    finally:
        subprocess.run(  # noqa: S603
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(folder / "data"), "-m", "immediate"])
            + ["stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
        )
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def server_port(cluster: Cluster) -> Iterator[int]:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": cluster.url,
        "REDIS_URL": "",
        # The routing stamp is read on every request: every request needs the database.
        "ENT_ROUTING_STAMP_SECONDS": "0",
        # While PostgreSQL is down a request waits this long for a pooled connection (5 s in
        # production) before its 503.
        "ENT_DB_POOL_TIMEOUT": "0.5",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'platform'}",
    }
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "uvicorn", "config.asgi:application"]
        + ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for("the server to answer", lambda: _get(port, "/connexion/")[0] == 200, seconds=90)
        yield port
    finally:
        stop_process(process)


def _get(port: int, path: str) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": HOST})
        answer = connection.getresponse()
        headers = {name.lower(): value for name, value in answer.getheaders()}
        return answer.status, headers, answer.read().decode()
    except OSError:
        return 0, {}, ""
    finally:
        connection.close()


def test_requests_get_503_while_postgres_is_down_and_200_once_it_is_back(cluster, server_port):
    assert _get(server_port, "/connexion/")[0] == 200

    cluster.stop()

    for _ in range(5):
        status, headers, body = _get(server_port, "/connexion/")
        assert status == 503, body[:3000]
        assert headers["retry-after"].isdigit()
        # In French: this module's page, or the pool's (config/overload.py) when the request
        # could not get a connection at all.
        assert "Réessayez dans quelques" in body

    cluster.start()

    wait_for("200 again", lambda: _get(server_port, "/connexion/")[0] == 200, seconds=60)
    # No broken connection kept: every request after the first success succeeds.
    assert [_get(server_port, "/connexion/")[0] for _ in range(5)] == [200] * 5


def test_a_database_error_in_the_middle_of_a_request_is_a_503_not_a_500(
    bordeaux, as_user, monkeypatch
):
    """The connection drops after the request got it: the session (a middleware) cannot be
    read. Django would draw the 500 page; the answer is the 503 page with Retry-After."""
    from django.db import OperationalError

    from config.sessions import SessionStore

    client = as_user(bordeaux, "t1")
    client.raise_request_exception = False

    def dropped(self: SessionStore) -> dict[str, object]:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionStore, "load", dropped)
    page = client.get("/")
    api = client.get("/api/")

    assert page.status_code == 503
    assert page["Retry-After"].isdigit()
    assert "momentanément indisponible" in page.content.decode()
    assert page["Content-Security-Policy"]  # still behind the browser protections
    assert api.status_code == 503
    assert "momentanément indisponible" in api.json()["detail"]
