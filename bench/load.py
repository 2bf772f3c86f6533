#!/usr/bin/env python
"""A school morning's API mix against uvicorn run as in production, loaded by wrk.

    .venv/bin/python bench/load.py [--duration 8] [--connections 16] [--workers 2]
                                   [--over-connections 200] [--db-name ent_bench_load] [--keep]

Set-up: a dedicated database (dropped and recreated) on DATABASE_URL's server,
``migrate_schemas``, the commune ``bordeaux`` provisioned, ``seed_demo --commune bordeaux``
(schools, classes, pupils, parents, teachers), bench/routing.py's bench user, then, through
the project's services, one liaison note per class of the first classes (written by their
teacher, acknowledgement required) and API tokens for their teachers, pupils and parents.

The server: uvicorn with the production settings and flags (ansible/roles/asgi), --workers
workers, each with its connection pool and in-flight limit at their defaults, pinned to CPU 0
(taskset); wrk runs pinned to CPU 1 with bench/load.lua. The mix (weights in MIX):

* a parent opens their child's liaison notes, and confirms one (« j'ai pris connaissance »);
* a pupil reads the week's homework;
* a teacher writes a homework entry (on a later week, so the week being read stays the same).

Measured in the same run, on the same server:

1. saturation: the mix with --connections connections, unpaced (closed loop) → saturation_rps;
   bench/routing.py's one-query view (``/bench/``) likewise → mix_ratio = mix / one-query;
2. paced runs at 50 %, 70 % and 90 % of saturation_rps (wrk has no fixed-rate mode and wrk2
   is not packaged: each connection waits an exponentially drawn delay between a response and
   its next request, the delay calibrated so that the achieved rate is the target): no 5xx may
   appear; p99_ms is the 99th percentile latency of the 70 % run;
3. over saturation: the mix with --over-connections connections: the overload guard answers
   503 (with Retry-After), never 500.

Exit 1 when a 5xx appears below saturation or a 5xx other than 503 above it. The last line of
stdout is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from _common import drop_database, fresh_database
from routing import BenchError, busy_share, check_cpus, ensure_wrk

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BASE_DOMAIN = "ent.localhost"
SLUG, INSEE, NAME = "bordeaux", "33063", "Bordeaux"
HOST = f"{SLUG}.{BASE_DOMAIN}"
SERVER_CPU, GENERATOR_CPU = "0", "1"
LUA = ROOT / "bench" / "load.lua"
# Requests of each kind per family in the plan: the mix's weights.
MIX = {"parent_notes": 3, "parent_confirm": 1, "pupil_week": 3, "teacher_write": 1}
CLASSES = 3
PER_CLASS = 6
RATES = (0.5, 0.7, 0.9)


def log(message: str) -> None:
    print(f"bench/load: {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- set-up


def child_env(database_url: str, settings: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=os.pathsep.join([str(ROOT / "platform"), str(ROOT)]),
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE=settings,
        DJANGO_DEBUG="0",
        ENT_BASE_DOMAIN=BASE_DOMAIN,
        SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(48),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def run_step(args: list[str], env: dict[str, str], what: str) -> str:
    log(what)
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BenchError(
            f"{what} failed (exit {result.returncode}):\n{result.stdout}{result.stderr}"
        )
    return result.stdout


def set_up(database_url: str) -> dict[str, Any]:
    env = child_env(database_url, "bench.routing_app.settings_routed")
    manage = [PYTHON, str(ROOT / "manage.py")]
    run_step([*manage, "migrate_schemas", "--noinput"], env, "migrate_schemas")
    run_step(
        [*manage, "provision_commune", "--name", NAME, "--insee", INSEE, "--slug", SLUG],
        env,
        f"provision_commune {NAME}",
    )
    run_step([*manage, "seed_demo", "--commune", SLUG], env, f"seed_demo --commune {SLUG}")
    run_step([PYTHON, "-m", "bench.routing_app.seed", SLUG, "bench-bordeaux"], env, "bench user")
    out = run_step([PYTHON, str(Path(__file__)), "--seed"], env, "notes and tokens")
    return dict(json.loads(out.strip().splitlines()[-1]))


def seed() -> None:
    """In the child process (Django set up): notes and tokens, printed as one JSON line."""
    import django

    django.setup()
    from django_tenants.utils import schema_context
    from rest_framework.authtoken.models import Token

    from apps.accounts.security.two_factor import account_has_second_factor
    from apps.accounts.selectors import actor_for
    from apps.liaison.models import Recipients
    from apps.liaison.services import liaison_note_create
    from apps.schools.models import Classroom, Guardianship
    from tenants.models import Commune

    def token(user: Any) -> str | None:
        # The API refuses tokens of blocked accounts and of accounts with a second factor
        # (seed_demo has both kinds): such callers are left out of the mix.
        if user is None or user.blocked_at is not None or account_has_second_factor(user):
            return None
        return str(Token.objects.get_or_create(user=user)[0].key)

    schema = Commune.objects.get(slug=SLUG).schema_name
    families: list[dict[str, Any]] = []
    with schema_context(schema):
        classrooms = Classroom.objects.filter(teachers__isnull=False, enrolments__isnull=False)
        for classroom in classrooms.distinct().order_by("pk")[:CLASSES]:
            teacher = classroom.teachers.order_by("pk").first()
            if teacher is None:
                continue
            note = liaison_note_create(
                author=actor_for(teacher),
                title="Sortie au musée jeudi",
                text="Merci de prévoir un pique-nique et une tenue adaptée.",
                audience=Recipients.CLASS,
                classroom=classroom,
            )
            pupils = [e.pupil for e in classroom.enrolments.select_related("pupil")[:PER_CLASS]]
            for pupil in pupils:
                links = Guardianship.objects.filter(child=pupil, parental_authority=True)
                parents = [token(link.guardian) for link in links.select_related("guardian")]
                families.append(
                    {
                        "classroom": classroom.pk,
                        "note": note.pk,
                        "teacher": token(teacher),
                        "pupil_id": pupil.pk,
                        "pupil": token(pupil),
                        "parent": next((key for key in parents if key), None),
                    }
                )
    print(json.dumps({"schema": schema, "families": families}))


# --------------------------------------------------------------------------- the plan


def headers(token: str | None = None) -> dict[str, str]:
    result = {
        "Host": HOST,
        # nginx's header: production settings redirect plain HTTP to HTTPS otherwise.
        "X-Forwarded-Proto": "https",
        "Accept": "application/json",
    }
    if token:
        result["Authorization"] = f"Token {token}"
    return result


def mix_plan(seeded: dict[str, Any]) -> list[dict[str, Any]]:
    today = datetime.datetime.now(ZoneInfo("Europe/Paris")).date()
    plan: list[dict[str, Any]] = []
    for number, family in enumerate(seeded["families"]):
        if family["parent"]:
            child = family["pupil_id"]
            plan += [
                {
                    "method": "GET",
                    "kind": "parent_notes",
                    "path": f"/api/v1/liaison/notes/?child={child}",
                    "headers": headers(family["parent"]),
                }
            ] * MIX["parent_notes"]
            plan += [
                {
                    "method": "POST",
                    "kind": "parent_confirm",
                    "path": f"/api/v1/liaison/notes/{family['note']}/confirm/",
                    "headers": {**headers(family["parent"]), "Content-Type": "application/json"},
                    "body": json.dumps({"child": child}),
                }
            ] * MIX["parent_confirm"]
        if family["pupil"]:
            plan += [
                {
                    "method": "GET",
                    "kind": "pupil_week",
                    "path": f"/api/v1/homework/?child={family['pupil_id']}",
                    "headers": headers(family["pupil"]),
                }
            ] * MIX["pupil_week"]
        for repeat in range(MIX["teacher_write"] if family["teacher"] else 0):
            # A weekday some weeks ahead: the entries written never land in the week read.
            on = today + datetime.timedelta(weeks=3 + (number + repeat) % 20)
            on -= datetime.timedelta(days=on.weekday())  # its Monday, due the Tuesday
            body = {
                "classroom": family["classroom"],
                "domain": "francais",
                "on": on.isoformat(),
                "due_on": (on + datetime.timedelta(days=1)).isoformat(),
                "todo": "<p>Lire la page 12 et répondre aux questions.</p>",
            }
            plan.append(
                {
                    "method": "POST",
                    "kind": "teacher_write",
                    "path": "/api/v1/homework/",
                    "headers": {**headers(family["teacher"]), "Content-Type": "application/json"},
                    "body": json.dumps(body),
                }
            )
    random.Random(0).shuffle(plan)
    return plan


def lua_string(value: str) -> str:
    """A Lua string literal: printable ASCII as is, every other byte as ``\\ddd``."""
    out = []
    for byte in value.encode("utf-8"):
        char = chr(byte)
        out.append(char if 32 <= byte < 127 and char not in '"\\' else f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


def write_plan(plan: list[dict[str, Any]], path: Path) -> None:
    rows = []
    for entry in plan:
        head = ", ".join(
            f"[{lua_string(k)}] = {lua_string(v)}" for k, v in entry["headers"].items()
        )
        body = lua_string(entry["body"]) if entry.get("body") else "nil"
        rows.append(
            f"{{method = {lua_string(entry['method'])}, path = {lua_string(entry['path'])}, "
            f"headers = {{{head}}}, body = {body}}}"
        )
    path.write_text("return {\n" + ",\n".join(rows) + "\n}\n")


# --------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """uvicorn as ansible/roles/asgi/templates/ent-asgi.service.j2 runs it, on CPU 0."""

    def __init__(self, env: dict[str, str], workers: int, log_path: Path) -> None:
        self.port = free_port()
        self.workers = workers
        self.log_path = log_path
        self._log = log_path.open("w")
        args = [
            "taskset", "-c", SERVER_CPU,
            PYTHON, "-m", "uvicorn", "config.asgi:application",
            "--app-dir", "platform",
            "--host", "127.0.0.1", "--port", str(self.port),
            "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1",
            "--lifespan", "off", "--no-server-header",
            "--timeout-keep-alive", "5", "--timeout-graceful-shutdown", "5",
            "--workers", str(workers),
        ]  # fmt: skip
        # Own session: stopped as one process group (supervisor + workers), by its id.
        self.proc = subprocess.Popen(
            args, cwd=ROOT, env=env, start_new_session=True, stdout=self._log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip

    def call(self, entry: dict[str, Any]) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(entry["method"], entry["path"], entry.get("body"), entry["headers"])
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def wait_ready(self, probe: dict[str, Any], timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        answered = 0
        while time.monotonic() < deadline and answered < 4 * self.workers:
            if self.proc.poll() is not None:
                raise BenchError(f"uvicorn exited:\n{self.log_tail()}")
            try:
                answered += self.call(probe)[0] == 200
            except OSError:
                time.sleep(0.3)
        if answered < 4 * self.workers:
            raise BenchError(f"uvicorn not answering after {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self) -> str:
        try:
            return "\n".join(self.log_path.read_text().splitlines()[-30:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
            except ProcessLookupError:
                pass
        self._log.close()


# --------------------------------------------------------------------------- load


@dataclass
class Run:
    rps: float
    statuses: dict[int, int]
    p50_ms: float
    p99_ms: float
    socket_errors: int
    requests: int

    def count(self, low: int, high: int) -> int:
        return sum(n for status, n in self.statuses.items() if low <= status <= high)

    def describe(self) -> str:
        codes = ", ".join(f"{s}: {n}" for s, n in sorted(self.statuses.items()))
        return (
            f"{self.rps:.0f} rps, p50 {self.p50_ms:.1f} ms, p99 {self.p99_ms:.1f} ms, "
            f"statuses {{{codes}}}, socket errors {self.socket_errors}"
        )


def wrk(
    binary: str, port: int, plan: Path, seconds: float, connections: int, delay_ms: float = 0
) -> Run:
    env = dict(os.environ, LOAD_PLAN=str(plan), LOAD_DELAY_MS=f"{delay_ms:.1f}")
    args = [
        "taskset", "-c", GENERATOR_CPU, binary,
        "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
        "-s", str(LUA), f"http://127.0.0.1:{port}/",
    ]  # fmt: skip
    result = subprocess.run(args, capture_output=True, text=True, check=False, env=env)
    line = next((x for x in result.stdout.splitlines() if x.startswith("LOADSTATS ")), None)
    if result.returncode != 0 or line is None:
        raise BenchError(f"wrk failed:\n{result.stdout}{result.stderr}")
    stats = json.loads(line.removeprefix("LOADSTATS "))
    return Run(
        rps=stats["requests"] / stats["seconds"] if stats["seconds"] else 0.0,
        statuses={int(k): v for k, v in stats["statuses"].items()},
        p50_ms=stats["p50_us"] / 1000,
        p99_ms=stats["p99_us"] / 1000,
        socket_errors=stats["socket_errors"],
        requests=stats["requests"],
    )


def paced(
    binary: str, port: int, plan: Path, seconds: float, connections: int, target: float,
    latency_ms: float,
) -> tuple[Run, float]:  # fmt: skip
    """A run at ``target`` requests per second: each connection's cycle (latency + delay)
    lasts connections / target; the latency guess is corrected once from a first run."""
    cycle_ms = connections * 1000 / target
    delay = max(0.0, cycle_ms - latency_ms)
    run = wrk(binary, port, plan, seconds, connections, delay)
    if run.rps and abs(run.rps - target) > 0.05 * target:
        observed_latency = connections * 1000 / run.rps - delay
        delay = max(0.0, cycle_ms - observed_latency)
        run = wrk(binary, port, plan, seconds, connections, delay)
    return run, connections * 1000 / run.rps - delay if run.rps else latency_ms


def check_plan(server: Server, plan: list[dict[str, Any]]) -> dict[str, float]:
    """Every distinct request of the plan answers 2xx before anything is measured; returns
    the median unloaded latency (ms) of each kind, one request at a time."""
    seen: set[tuple[str, str, str]] = set()
    timings: dict[str, list[float]] = {}
    for entry in plan:
        key = (entry["method"], entry["path"], entry.get("body") or "")
        if key in seen:
            continue
        seen.add(key)
        started = time.perf_counter()
        status, body = server.call(entry)
        elapsed = (time.perf_counter() - started) * 1000
        if not 200 <= status < 300:
            raise BenchError(f"{entry['method']} {entry['path']} gave {status}: {body[:300]}")
        timings.setdefault(entry["kind"], []).append(elapsed)
    return {kind: round(statistics.median(ms), 1) for kind, ms in sorted(timings.items())}


# --------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per run (8)")
    parser.add_argument("--connections", type=int, default=16, help="at saturation (16)")
    parser.add_argument("--over-connections", type=int, default=200, help="over saturation")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers (2)")
    parser.add_argument("--rounds", type=int, default=2, help="saturation rounds (2)")
    parser.add_argument("--db-name", default="ent_bench_load", help="database to (re)create")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    args, unknown = parser.parse_known_args()
    if unknown:
        log(f"ignoring arguments meant for another bench: {' '.join(unknown)}")
    return args


def measure(args: argparse.Namespace) -> dict[str, Any]:
    binary = ensure_wrk()
    check_cpus()
    database_url = fresh_database(args.db_name)
    log(f"database {args.db_name} created")
    try:
        seeded = set_up(database_url)
        plan = mix_plan(seeded)
        one_query = [
            {"kind": "one_query", "method": "GET", "path": "/bench/", "headers": headers()}
        ]
        with tempfile.TemporaryDirectory(prefix="ent-bench-load-") as tmp:
            mix_file, one_file = Path(tmp) / "mix.lua", Path(tmp) / "one.lua"
            write_plan(plan, mix_file)
            write_plan(one_query, one_file)
            env = child_env(database_url, "bench.load_settings")
            # Production refuses a mail backend that sends nothing; none is sent here.
            env["EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
            server = Server(env, args.workers, Path(tmp) / "uvicorn.log")
            try:
                server.wait_ready(one_query[0])
                unloaded = check_plan(server, plan)
                log(f"unloaded latency per kind (median ms): {unloaded}")
                summary = load(args, binary, server, mix_file, one_file, len(plan))
                return {**summary, "unloaded_ms": unloaded}
            finally:
                server.stop()
    finally:
        if args.keep:
            log(f"database {args.db_name} kept ({database_url})")
        else:
            drop_database(database_url)


def load(
    args: argparse.Namespace, binary: str, server: Server, mix: Path, one: Path, size: int
) -> dict[str, Any]:
    busy = busy_share()
    if busy > 0.10:
        log(f"NOTE: CPUs {SERVER_CPU},{GENERATOR_CPU} already {busy:.0%} busy")
    log(f"plan of {size} requests; warm-up")
    for plan in (one, mix):
        wrk(binary, server.port, plan, 3, args.connections)
    mixes: list[Run] = []
    ones: list[Run] = []
    for index in range(args.rounds):
        for plan, runs in (
            ((one, ones), (mix, mixes)) if index % 2 == 0 else ((mix, mixes), (one, ones))
        ):
            runs.append(wrk(binary, server.port, plan, args.duration, args.connections))
        log(f"round {index + 1}: mix {mixes[-1].describe()}; one-query {ones[-1].describe()}")
    saturation = statistics.median(r.rps for r in mixes)
    one_rps = statistics.median(r.rps for r in ones)
    below: dict[str, Run] = {}
    # At saturation the latency is mostly queueing: the guess for the first paced run is the
    # service time alone, corrected by paced() from what it observes.
    latency_ms = statistics.median(r.p50_ms for r in mixes) / 2
    for share in RATES:
        target = share * saturation
        # About two requests per connection and second: the delays stay far below uvicorn's
        # keep-alive timeout (5 s, after which it closes an idle connection), and enough
        # connections stay open for a slow answer not to hold the others back.
        connections = max(4, min(2 * args.connections, round(target / 2)))
        run, latency_ms = paced(
            binary, server.port, mix, args.duration, connections, target, latency_ms
        )
        below[f"{share:.0%}"] = run
        log(f"paced at {share:.0%} of saturation ({share * saturation:.0f} rps): {run.describe()}")
    over = wrk(binary, server.port, mix, args.duration, args.over_connections)
    log(f"over saturation ({args.over_connections} connections): {over.describe()}")
    errors_5xx = sum(r.count(500, 599) for r in below.values())
    at70 = below["70%"]
    return {
        "bench": "load",
        "workers": args.workers,
        "saturation_rps": round(saturation, 1),
        "one_query_rps": round(one_rps, 1),
        "mix_ratio": round(saturation / one_rps, 3),
        "rate_70_rps": round(at70.rps, 1),
        "p50_ms": round(at70.p50_ms, 1),
        "p99_ms": round(at70.p99_ms, 1),
        "errors_5xx": errors_5xx,
        "errors_5xx_at_saturation": sum(r.count(500, 599) for r in mixes),
        "over_connections": args.over_connections,
        "over_rps": round(over.rps, 1),
        "over_503": over.statuses.get(503, 0),
        "over_5xx_not_503": over.count(500, 599) - over.statuses.get(503, 0),
        "over_socket_errors": over.socket_errors,
    }


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # through the finally blocks: server stopped, database dropped


def main() -> int:
    args = parse_args()
    if args.seed:
        seed()
        return 0
    signal.signal(signal.SIGTERM, _terminate)
    try:
        summary = measure(args)
    except BenchError as exc:
        log(f"error: {exc}")
        return 1
    rc = 0
    if summary["errors_5xx"]:
        print(f"FAIL: {summary['errors_5xx']} 5xx answers below saturation")
        rc = 1
    if summary["over_5xx_not_503"]:
        print(f"FAIL: {summary['over_5xx_not_503']} 5xx other than 503 over saturation")
        rc = 1
    if not rc:
        print(
            f"OK: mix at {summary['mix_ratio']:.2f} × the one-query view; p99 at 70 % of "
            f"saturation {summary['p99_ms']} ms; over saturation {summary['over_503']} × 503, "
            "no 500"
        )
    print(json.dumps(summary), flush=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
