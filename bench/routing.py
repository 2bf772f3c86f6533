#!/usr/bin/env python
"""Requests per second of one view served through tenant routing vs with the schema fixed.

    .venv/bin/python bench/routing.py [--rounds 3] [--duration 10] [--slice 2] [--warmup 3]
                                      [--connections 4] [--db-name ent_bench_routing] [--keep]

Set-up: a dedicated database (dropped and recreated) on the server of DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/), ``migrate_schemas``, the commune ``bordeaux`` and one
user in its schema. Three gunicorn servers (one sync worker each, pinned to CPU 0 with
taskset) then serve:

* routed: the project's settings and middleware; the view reads one row of accounts_user
  in the commune's schema, found from ``Host: bordeaux.ent.localhost``;
* fixed: the same settings minus CommuneRoutingMiddleware, the connection's schema set to
  the commune once at start-up;
* ceiling: a no-op WSGI app, i.e. what the load generator can drive through this server.

wrk (pinned to CPU 1) then loads each server for --duration seconds per round, in 2-second
runs (--slice) that alternate between the servers, so that outside load hits them alike;
a round's figure is the mean of its runs, and the medians over the rounds are reported. When
fixed_rps exceeds 70 % of the ceiling the generator, not Django, is the bottleneck: the
figures are void and the script exits 2. It exits 1 when the ratio is below --min-ratio.
The last line of stdout is one JSON object.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BASE_DOMAIN = "ent.localhost"
SLUG, INSEE, NAME = "bordeaux", "33063", "Bordeaux"
HOST = f"{SLUG}.{BASE_DOMAIN}"
BENCH_USER = "bench-bordeaux"
PATH = "/bench/"
SERVER_CPU, GENERATOR_CPU = "0", "1"
GENERATOR_LIMIT = 0.70
# Rounds of one server further apart than this mean something else was using the CPUs.
NOISE_LIMIT = 0.15


def log(message: str) -> None:
    print(f"bench/routing: {message}", file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


# --------------------------------------------------------------------------- tools


def ensure_gunicorn() -> None:
    if importlib.util.find_spec("gunicorn") is not None:
        return
    log("gunicorn missing from the venv: pip install gunicorn")
    subprocess.run([PYTHON, "-m", "pip", "install", "-q", "gunicorn>=22"], check=True)


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("wrk missing: apt-get install wrk")
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False)
        wrk = shutil.which("wrk")
    if not wrk:
        raise BenchError("wrk not found: install Debian's wrk package (apt-get install wrk)")
    return wrk


def check_cpus() -> None:
    if not shutil.which("taskset"):
        raise BenchError("taskset not found (util-linux)")
    allowed = os.sched_getaffinity(0)
    if not {int(SERVER_CPU), int(GENERATOR_CPU)} <= allowed:
        raise BenchError(f"needs CPUs {SERVER_CPU} and {GENERATOR_CPU}; allowed: {sorted(allowed)}")


def busy_share(seconds: float = 1.0) -> float:
    """Share of the two bench CPUs used by something else right now (0.0 to 1.0)."""

    def sample() -> list[tuple[int, int]]:
        rows = []
        with open("/proc/stat") as stat:
            for line in stat:
                name, *fields = line.split()
                if name in (f"cpu{SERVER_CPU}", f"cpu{GENERATOR_CPU}"):
                    values = [int(v) for v in fields]
                    idle = values[3] + values[4]  # idle + iowait
                    rows.append((sum(values), idle))
        return rows

    try:
        before = sample()
        time.sleep(seconds)
        after = sample()
    except OSError:
        return 0.0
    total = sum(a[0] - b[0] for a, b in zip(after, before, strict=True))
    idle = sum(a[1] - b[1] for a, b in zip(after, before, strict=True))
    return 1 - idle / total if total else 0.0


# --------------------------------------------------------------------------- database


def database_urls(db_name: str) -> tuple[str, str]:
    """(bench database URL, maintenance database URL) on DATABASE_URL's server."""
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    parts = urlsplit(base)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise BenchError(f"DATABASE_URL must be a postgres:// URL, got {parts.scheme!r}")
    bench = urlunsplit(parts._replace(path="/" + quote(db_name)))
    admin = urlunsplit(parts._replace(path="/postgres"))
    return bench, admin


def admin_execute(admin_url: str, *statements: str) -> None:
    import psycopg2

    parts = urlsplit(admin_url)
    conn = psycopg2.connect(
        dbname="postgres",
        user=unquote(parts.username or "") or None,
        password=unquote(parts.password or "") or None,
        host=unquote(parts.hostname or "") or None,
        port=parts.port,
    )
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        conn.close()


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def recreate_database(admin_url: str, db_name: str) -> None:
    admin_execute(
        admin_url,
        f"DROP DATABASE IF EXISTS {quote_ident(db_name)} WITH (FORCE)",
        f"CREATE DATABASE {quote_ident(db_name)}",
    )


def drop_database(admin_url: str, db_name: str) -> None:
    admin_execute(admin_url, f"DROP DATABASE IF EXISTS {quote_ident(db_name)} WITH (FORCE)")


def child_env(database_url: str, settings: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("REDIS_URL", None)  # locmem cache and in-process tasks: nothing else to measure
    pythonpath = [str(ROOT / "platform"), str(ROOT)]
    if env.get("PYTHONPATH"):
        pythonpath.append(env["PYTHONPATH"])
    env.update(
        PYTHONPATH=os.pathsep.join(pythonpath),
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE=settings,
        DJANGO_DEBUG="0",
        ENT_BASE_DOMAIN=BASE_DOMAIN,
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def run_step(args: list[str], env: dict[str, str], what: str) -> str:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BenchError(
            f"{what} failed (exit {result.returncode}):\n{result.stdout}{result.stderr}"
        )
    return result.stdout


def set_up(database_url: str) -> str:
    """Migrate, provision the commune and its user; returns the commune's schema name."""
    env = child_env(database_url, "bench.routing_app.settings_routed")
    manage = [PYTHON, str(ROOT / "manage.py")]
    log("migrate_schemas --noinput")
    run_step([*manage, "migrate_schemas", "--noinput"], env, "migrate_schemas")
    log(f"provision_commune {NAME} ({INSEE})")
    run_step(
        [*manage, "provision_commune", "--name", NAME, "--insee", INSEE, "--slug", SLUG],
        env,
        "provision_commune",
    )
    out = run_step([PYTHON, "-m", "bench.routing_app.seed", SLUG, BENCH_USER], env, "seed")
    return out.strip().splitlines()[-1]


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    name: str
    app: str
    env: dict[str, str]
    log_dir: Path
    port: int = 0
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"gunicorn-{self.name}.log"

    def start(self) -> None:
        self.port = free_port()
        args = [
            "taskset", "-c", SERVER_CPU,
            PYTHON, "-m", "gunicorn",
            "--workers", "1", "--worker-class", "sync",
            "--bind", f"127.0.0.1:{self.port}",
            "--log-level", "warning", "--error-logfile", str(self.log_path),
            "--timeout", "120",
            self.app,
        ]  # fmt: skip
        # Own session: stopped as one process group (arbiter + worker), by its id.
        self.proc = subprocess.Popen(
            args, cwd=ROOT, env=self.env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def get(self, path: str, host: str = HOST) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", path, headers={"Host": host})
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                raise BenchError(f"{self.name} server exited; see {self.log_tail()}")
            try:
                self.get(PATH)
                return
            except OSError:
                time.sleep(0.2)
        raise BenchError(
            f"{self.name} server not answering after {timeout:.0f} s; {self.log_tail()}"
        )

    def log_tail(self) -> str:
        try:
            return "log:\n" + "\n".join(self.log_path.read_text().splitlines()[-30:])
        except OSError:
            return "no log"

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
        except ProcessLookupError:
            pass


@contextmanager
def running(servers: list[Server]) -> Iterator[None]:
    try:
        for server in servers:
            server.start()
        for server in servers:
            server.wait_ready()
        yield
    finally:
        for server in servers:
            server.stop()


def check_responses(routed: Server, fixed: Server, noop: Server) -> None:
    """Both Django servers answer the view from the commune's schema; routing still routes."""
    for server in (routed, fixed):
        status, body = server.get(PATH)
        if status != 200 or body.strip() != BENCH_USER:
            raise BenchError(f"{server.name}: GET {PATH} gave {status} {body[:200]!r}")
    status, body = routed.get(PATH, host=f"inconnue.{BASE_DOMAIN}")
    if status != 404:
        raise BenchError(f"routed: unknown host gave {status}, expected the 404 page")
    status, body = routed.get("/healthz", host="nowhere.example")
    if status != 200:
        raise BenchError(f"routed: /healthz gave {status}")
    status, body = noop.get(PATH)
    if status != 200:
        raise BenchError(f"ceiling: no-op app gave {status}")


# --------------------------------------------------------------------------- load


_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_TOTAL = re.compile(r"(\d+) requests in")


def wrk(binary: str, server: Server, seconds: float, connections: int, path: str = PATH) -> float:
    args = [
        "taskset", "-c", GENERATOR_CPU, binary,
        "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s",
        "-H", f"Host: {HOST}",
        f"http://127.0.0.1:{server.port}{path}",
    ]  # fmt: skip
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    out = result.stdout
    match = _RPS.search(out)
    if result.returncode != 0 or match is None:
        raise BenchError(f"wrk failed against {server.name}:\n{out}{result.stderr}")
    non_2xx = _NON_2XX.search(out)
    if non_2xx and int(non_2xx.group(1)):
        raise BenchError(f"{server.name}: {non_2xx.group(1)} non-2xx answers\n{out}")
    errors = _SOCKET_ERRORS.search(out)
    total = _TOTAL.search(out)
    if errors and total:
        # A sync worker closes every connection; a few read errors at the end of a run are
        # normal, anything more means the figure is not about serving requests.
        count = sum(int(n) for n in errors.groups())
        if count > max(10, int(total.group(1)) // 100):
            raise BenchError(f"{server.name}: {count} socket errors\n{out}")
    return float(match.group(1))


# --------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    # No abbreviations: `make bench` hands the same arguments to bench/provision.py too.
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (3)")
    parser.add_argument(
        "--duration", type=float, default=10.0, help="seconds per server and round (10)"
    )
    parser.add_argument(
        "--slice", type=int, default=2, help="seconds of one wrk run; runs alternate (2)"
    )
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up seconds per server")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (4)")
    parser.add_argument("--db-name", default="ent_bench_routing", help="database to (re)create")
    parser.add_argument("--min-ratio", type=float, default=0.9, help="bar for routed/fixed")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args, unknown = parser.parse_known_args()
    if min(args.rounds, args.duration, args.slice, args.connections) < 1:
        parser.error("--rounds, --duration, --slice and --connections must be at least 1")
    if unknown:
        log(f"ignoring arguments meant for another bench: {' '.join(unknown)}")
    return args


@dataclass
class Outcome:
    """Requests per second of each run, in round order."""

    routed: list[float]
    fixed: list[float]
    ceiling: list[float]

    def summary(self) -> dict[str, object]:
        routed = statistics.median(self.routed)
        fixed = statistics.median(self.fixed)
        return {
            "bench": "routing",
            "routed_rps": round(routed, 1),
            "fixed_rps": round(fixed, 1),
            "ratio": round(routed / fixed, 3),
            "generator_ceiling_rps": round(statistics.median(self.ceiling), 1),
        }


def measure(args: argparse.Namespace) -> Outcome:
    wrk_bin = ensure_wrk()
    ensure_gunicorn()
    check_cpus()
    database_url, admin_url = database_urls(args.db_name)
    log(f"database {args.db_name}: drop and create")
    recreate_database(admin_url, args.db_name)
    try:
        schema = set_up(database_url)
        with tempfile.TemporaryDirectory(prefix="ent-bench-routing-") as tmp:
            log_dir = Path(tmp)
            routed_env = child_env(database_url, "bench.routing_app.settings_routed")
            fixed_env = child_env(database_url, "bench.routing_app.settings_fixed")
            fixed_env["ENT_BENCH_SCHEMA"] = schema
            routed = Server(
                "routed", "bench.routing_app.wsgi_routed:application", routed_env, log_dir
            )
            fixed = Server("fixed", "bench.routing_app.wsgi_fixed:application", fixed_env, log_dir)
            noop = Server("ceiling", "bench.routing_app.wsgi_noop:application", routed_env, log_dir)
            servers = [noop, fixed, routed]
            results: dict[str, list[float]] = {s.name: [] for s in servers}
            with running(servers):
                check_responses(routed, fixed, noop)
                busy = busy_share()
                if busy > 0.10:
                    log(f"NOTE: CPUs {SERVER_CPU},{GENERATOR_CPU} already {busy:.0%} busy")
                log(f"warm-up {args.warmup:g} s per server")
                for server in servers:
                    wrk(wrk_bin, server, args.warmup, args.connections)
                slices = max(1, round(args.duration / args.slice))
                for index in range(args.rounds):
                    # Each server gets `duration` seconds per round, cut into slices that
                    # alternate between the servers (routed and fixed swap places every
                    # slice), so that a burst of outside load lands on both alike.
                    per_slice: dict[str, list[float]] = {s.name: [] for s in servers}
                    for number in range(slices):
                        flip = (index * slices + number) % 2
                        order = [noop, routed, fixed] if flip else [noop, fixed, routed]
                        for server in order:
                            rps = wrk(wrk_bin, server, args.slice, args.connections)
                            per_slice[server.name].append(rps)
                    for server in servers:
                        results[server.name].append(statistics.fmean(per_slice[server.name]))
                    log(
                        f"round {index + 1}/{args.rounds}: "
                        + ", ".join(f"{s.name} {results[s.name][-1]:.0f} rps" for s in servers)
                    )
                check_responses(routed, fixed, noop)
    finally:
        if args.keep:
            log(f"database {args.db_name} kept ({database_url})")
        else:
            drop_database(admin_url, args.db_name)
    return Outcome(routed=results["routed"], fixed=results["fixed"], ceiling=results["ceiling"])


def _terminate(signum: int, frame: object) -> None:
    # Unwind through the finally blocks: servers stopped, database dropped.
    raise SystemExit(128 + signum)


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, _terminate)
    try:
        outcome = measure(args)
    except BenchError as exc:
        log(f"error: {exc}")
        return 1
    for name, runs in (
        ("routed", outcome.routed),
        ("fixed", outcome.fixed),
        ("ceiling", outcome.ceiling),
    ):
        print(f"{name:8} rps per round: " + ", ".join(f"{rps:.0f}" for rps in runs))
    pairs = zip(outcome.routed, outcome.fixed, strict=True)
    print("routed/fixed per round: " + ", ".join(f"{r / f:.3f}" for r, f in pairs))
    for name, runs in (("routed", outcome.routed), ("fixed", outcome.fixed)):
        spread = max(runs) / min(runs) - 1
        if spread > NOISE_LIMIT:
            print(
                f"NOTE: {name} varied by {spread:.0%} between rounds: the machine was busy; "
                "run again (or with more --rounds) before trusting the ratio."
            )
    summary = outcome.summary()
    ratio = statistics.median(outcome.routed) / statistics.median(outcome.fixed)
    share = statistics.median(outcome.fixed) / statistics.median(outcome.ceiling)
    rc = 0
    if share > GENERATOR_LIMIT:
        print(
            f"VOID: fixed_rps is {share:.0%} of the generator's ceiling (> {GENERATOR_LIMIT:.0%}): "
            "the load generator, not the application, is the bottleneck."
        )
        rc = 2
    elif ratio < args.min_ratio:
        print(f"FAIL: routed/fixed = {ratio:.3f} < {args.min_ratio}")
        rc = 1
    else:
        print(
            f"OK: routed/fixed = {ratio:.3f} >= {args.min_ratio}; "
            f"fixed_rps is {share:.0%} of the generator's ceiling"
        )
    print(json.dumps(summary), flush=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
