#!/usr/bin/env python
"""Rooms benchmark (salons): what the rooms deliver per second, and how fast, next to a bare
Channels echo served by the same process.

    .venv/bin/python bench/chat.py [--clients 500] [--rooms 25] [--seconds 20] [--rounds 5]
                                   [--in-flight 2] [--keep] [--database ent_bench_chat]

Needs REDIS_URL (an empty Redis database of its own: the channel layer and the cache; it
refuses one that holds keys, as stale group members of another run would be sent to, and
empties it at the end) and DATABASE_URL (the server; the bench database ``ent_bench_chat`` is
dropped and created again on every run). It:

1. runs ``migrate_schemas``, provisions the commune ``bordeaux`` and fills it through the ORM:
   one school, 25 classes (``--rooms``) of this year, each with one teacher and 19 enrolled
   pupils (``--clients`` / ``--rooms`` people a room), a session for each in the commune's
   store, the class rooms (``services.rooms_ensure``) open all day every day (weekly slots);
2. starts ``uvicorn bench.chat_echo:application`` (one process, ``taskset -c 0``, the test
   settings unless ``--settings``, the channels_redis layer on REDIS_URL): the project's
   ``config.asgi.application`` for every path, plus a bare echo consumer on ``/echo/<room>/``
   (``bench/chat_echo.py``: joins a group per room, ``group_send`` of what it receives; no
   database, no session, no commune);
3. runs the load generator in another process (this script with ``--generate``, ``taskset -c
   1``): one asyncio process holding all the connections (``websockets`` client, compression
   negotiated as a browser does), connected to 127.0.0.1 with the commune's ``Host``,
   ``Origin`` and session cookie. ``--rounds`` rounds, each a **baseline** phase (``/echo/``)
   and a **product** phase (``/ws/salons/<id>/``), their order swapping every round: open the
   500 connections (the product's teachers first, so that pupils may write; each resumes from
   now and checks it may write), 3 s of load to warm up, ``--seconds`` of load measured, then
   everything closed, 50 at a time (500 closed at once exhaust the server's pool of Redis
   connections: redis-py's asyncio pool holds 100 and raises ``MaxConnectionsError`` instead
   of waiting, so the layer's ``group_discard`` fails and leaves dead members in the groups;
   the exceptions uvicorn logs are counted as ``server_errors``). Product clients beat every
   25 s as the room's page does;
4. the load is a closed loop per room: ``--in-flight`` posts of each room are in flight at any
   time; when the sender of one receives its own post back, the room's next client (in turn)
   sends a new one. So each room is kept busy whatever the server's speed, every client sends
   as often as the others, and the server (one core) is driven to saturation for both
   applications (the table shows the server's CPU; more in flight only lengthens queues). A
   post's body is ``BENCH <client>:<seq>:<time.monotonic_ns()>`` (one clock for both
   processes on Linux); every receipt by every connection of the room is one delivery, its
   latency the time from the send to that receipt;
5. per phase: ``delivered/s`` = receipts during the measured seconds / seconds; p50 / p99 of
   the latency of the posts sent during them; posts sent in them that some connection of the
   room never received (``lost``: the channel layer drops when a channel is over capacity; the
   rooms' clients catch up from the database, the echo cannot); duplicates (must be 0);
   refusals (the product's ``error`` messages: there must be none, else the figure is
   void). The rooms run with the connection's rate limit at its default
   (``ENT_WS_MESSAGES_PER_10S``, 20 per 10 s): each client sends one post every
   ``clients / posts per second`` seconds, shown as ``sends/client/s``; the script stops
   with ``VOID`` if a post is refused;
6. memory per connection: before the rounds, for each application a fresh uvicorn process
   (so that neither reuses memory the other freed) warmed by one connection and one post,
   its resident set (``VmRSS``) read before and after the other 499 connections open,
   divided by 499.

Bar (from the issue): ``rate_ratio`` = product delivered/s / baseline delivered/s (medians of
the rounds) **>= 0.5**. Last line, one JSON object: ``rate_ratio``, ``rate``,
``baseline_rate``, ``p50_ms``, ``p99_ms`` (the product's; the baseline's as
``baseline_p50_ms``, ``baseline_p99_ms``), ``clients``, ``rooms``, memory per connection
(``kib_per_connection``, ``baseline_kib_per_connection``), ``lost``, ``rounds``. Exit 1 when the
bar is missed, 2 when the run is void (a refusal, a duplicate, or no delivery).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    DEFAULT_SETTINGS,
    REPO_ROOT,
    django_setup,
    drop_database,
    fresh_database,
)

BAR_RATE_RATIO = 0.5
SCHEMA = "bordeaux"
SERVER_CPU, GENERATOR_CPU = "0", "1"
WARM_UP_SECONDS = 3.0
BEAT_SECONDS = 25.0  # the room page's heartbeat
PATIENCE = 60.0  # a bound for handshakes and the last posts, never a pause
MARK = re.compile(r"BENCH (\d+):(\d+):(\d+)")
MIDNIGHT, LAST = datetime.time(0, 0), datetime.time(23, 59, 59, 999999)


# --- the commune -----------------------------------------------------------------------------


def make_rooms(rooms: int, per_room: int) -> list[dict[str, Any]]:
    """``rooms`` class rooms open all day, each with one teacher and ``per_room - 1`` pupils,
    and a session for each person: [{"id": room id, "sessions": [teacher's, pupils'...]}]."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils import timezone

    from apps.accounts.models import Profile, User
    from apps.accounts.selectors import actor_for
    from apps.chat import services
    from apps.chat.models import Room, Slot
    from apps.schools.models import (
        Classroom,
        Enrolment,
        School,
        SchoolMembership,
        SchoolRole,
        SchoolYear,
    )
    from apps.schools.validators import uai_check_letter
    from config.sessions import SessionStore

    today = timezone.localdate()
    year = SchoolYear.objects.create(
        label=f"{today.year}-{today.year + 1}",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=300),
        is_current=True,
    )
    school = School.objects.create(
        uai="0330100" + uai_check_letter("0330100"),
        name="École des Salons",
        kind="elementaire",
        deployment_status="active",
    )
    classrooms = Classroom.objects.bulk_create(
        Classroom(school=school, year=year, name=f"Classe {n + 1}", levels=["CM1"])
        for n in range(rooms)
    )

    def user(profile: str, n: int) -> User:
        return User(
            username=f"{SCHEMA}.{profile}{n}",
            first_name="Camille",
            last_name=f"Salon{n}",
            profile=profile,
            password="!",  # noqa: S106 - an unusable password, as Django writes one
        )

    teachers = User.objects.bulk_create(user(Profile.TEACHER, n) for n in range(rooms))
    pupils = User.objects.bulk_create(user(Profile.PUPIL, n) for n in range(rooms * (per_room - 1)))
    SchoolMembership.objects.bulk_create(
        SchoolMembership(user=t, school=school, role=SchoolRole.TEACHER) for t in teachers
    )
    Classroom.teachers.through.objects.bulk_create(
        Classroom.teachers.through(classroom=c, user=t)
        for c, t in zip(classrooms, teachers, strict=True)
    )
    Enrolment.objects.bulk_create(
        Enrolment(pupil=pupil, classroom=classrooms[n // (per_room - 1)], year=year)
        for n, pupil in enumerate(pupils)
    )

    def session(person: User) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(person.pk)
        store[BACKEND_SESSION_KEY] = "apps.accounts.security.backends.EntModelBackend"
        store[HASH_SESSION_KEY] = person.get_session_auth_hash()
        store.create()
        return str(store.session_key)

    made = []
    for n, (classroom, teacher) in enumerate(zip(classrooms, teachers, strict=True)):
        services.rooms_ensure(actor_for(teacher))
        room = Room.objects.get(classroom=classroom)
        Slot.objects.bulk_create(
            Slot(room=room, weekday=day, starts=MIDNIGHT, ends=LAST) for day in range(7)
        )
        people = [teacher, *pupils[n * (per_room - 1) : (n + 1) * (per_room - 1)]]
        made.append({"id": room.pk, "sessions": [session(person) for person in people]})
    return made


# --- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """``uvicorn bench.chat_echo:application``, one process, pinned to CPU 0."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.log_path = log_path
        self._log = log_path.open("ab")
        args = [
            "taskset", "-c", SERVER_CPU,
            sys.executable, "-m", "uvicorn", "bench.chat_echo:application",
            "--host", "127.0.0.1", "--port", str(self.port),
            "--lifespan", "off", "--no-server-header", "--log-level", "warning",
            "--timeout-graceful-shutdown", "5",
        ]  # fmt: skip
        # taskset execs the interpreter: the child's id is uvicorn's (its RSS, its CPU).
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            args, cwd=REPO_ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + PATIENCE
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"uvicorn stopped:\n{self.log_tail()}")
            try:
                url = f"http://127.0.0.1:{self.port}/healthz"
                with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"uvicorn not answering:\n{self.log_tail()}")
            time.sleep(0.2)  # polling a starting process, not waiting for a result

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def errors(self) -> dict[str, int]:
        """Exceptions uvicorn logged, by their last line (the log is shared by the servers)."""
        found: dict[str, int] = {}
        lines = self.log_path.read_text(errors="replace").splitlines()
        for n, line in enumerate(lines):
            if line.startswith("ERROR:") and "Exception in ASGI application" in line:
                last = next(
                    (
                        x
                        for x in lines[n + 1 :]
                        if x and not x[0].isspace() and not x.startswith("Traceback")
                    ),
                    "?",
                )
                found[last[:120]] = found.get(last[:120], 0) + 1
        return found

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=PATIENCE)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


def run_generator(spec: dict[str, Any], work: Path) -> dict[str, Any]:
    """This script's generator part in its own process, pinned to CPU 1; its last line."""
    spec_path = work / "spec.json"
    spec_path.write_text(json.dumps(spec))
    done = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        ["taskset", "-c", GENERATOR_CPU, sys.executable, __file__, "--generate", str(spec_path)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        check=False,
    )
    lines = done.stdout.decode().strip().splitlines()
    if done.returncode != 0 or not lines:
        raise SystemExit(f"the generator failed ({done.returncode})")
    return dict(json.loads(lines[-1]))


# --- the generator (its own process) ---------------------------------------------------------


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise SystemExit(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Post:
    sent_ns: int
    room: int
    received: int = 0


@dataclass
class Phase:
    """One phase's counters; the window is [start_ns, end_ns) of time.monotonic_ns()."""

    start_ns: int = 0
    end_ns: int = 2**63
    posts: dict[int, Post] = field(default_factory=dict)
    waiting: dict[int, asyncio.Future[None]] = field(default_factory=dict)
    latencies_ns: list[int] = field(default_factory=list)
    delivered_in_window: int = 0
    duplicates: int = 0
    refusals: int = 0
    seq: int = 0

    def in_window(self, at_ns: int) -> bool:
        return self.start_ns <= at_ns < self.end_ns


@dataclass
class Client:
    number: int
    room: int  # index of its room
    ws: Any
    seen: set[int] = field(default_factory=set)


class Generator:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.host = f"{SCHEMA}.{spec['base_domain']}:{spec['port']}"
        self.rooms: list[dict[str, Any]] = spec["rooms"]

    async def open(self, echo: bool, room: int, session: str, number: int) -> Client:
        from websockets.asyncio.client import connect

        room_id = self.rooms[room]["id"]
        path = f"/echo/{room_id}/" if echo else f"/ws/salons/{room_id}/"
        ws = await connect(
            f"ws://{self.host}{path}",
            host="127.0.0.1",
            port=self.spec["port"],
            origin=f"http://{self.host}",  # type: ignore[arg-type]
            additional_headers=[("Cookie", f"sessionid={session}")],
            proxy=None,
            open_timeout=PATIENCE,
            close_timeout=PATIENCE,
            ping_interval=None,
            max_queue=None,
        )
        if not echo:
            state = json.loads(await asyncio.wait_for(ws.recv(), PATIENCE))
            if state.get("type") != "state" or not state.get("may_write"):
                raise SystemExit(f"client {number} may not write in room {room_id}: {state}")
            await ws.send(json.dumps({"type": "resume", "after": 10**12}))
            while json.loads(await asyncio.wait_for(ws.recv(), PATIENCE))["type"] != "caught_up":
                pass
        return Client(number=number, room=room, ws=ws)

    def plan(self) -> list[tuple[int, str, int]]:
        """(room, session, client number) of every connection, the rooms' first people (the
        product's teachers: its pupils write only while a teacher of the class is there)
        first."""
        per_room = len(self.rooms[0]["sessions"])
        plan = [
            (room, session, room * per_room + k)
            for room, entry in enumerate(self.rooms)
            for k, session in enumerate(entry["sessions"])
        ]
        return sorted(plan, key=lambda p: p[2] % per_room != 0)

    async def open_all(self, echo: bool, plan: list[tuple[int, str, int]]) -> list[Client]:
        """The connections of ``plan``: the teachers together, then the others 50 handshakes
        at a time."""
        per_room = len(self.rooms[0]["sessions"])
        first = [p for p in plan if p[2] % per_room == 0]
        rest = [p for p in plan if p[2] % per_room != 0]
        clients = list(await asyncio.gather(*(self.open(echo, *p) for p in first)))
        gate = asyncio.Semaphore(50)

        async def one(p: tuple[int, str, int]) -> Client:
            async with gate:
                return await self.open(echo, *p)

        clients += await asyncio.gather(*(one(p) for p in rest))
        return sorted(clients, key=lambda c: c.number)

    @staticmethod
    async def close_all(clients: list[Client]) -> None:
        """Closed 50 at a time: 500 at once exhaust the server's channel-layer pool (see the
        docstring), which is a finding, not something to measure in every round."""
        gate = asyncio.Semaphore(50)

        async def one(client: Client) -> None:
            async with gate:
                await client.ws.close()

        await asyncio.gather(*(one(c) for c in clients), return_exceptions=True)

    async def read(self, client: Client, phase: Phase) -> None:
        async for text in client.ws:
            now = time.monotonic_ns()
            found = MARK.search(text) if isinstance(text, str) else None
            if found is None:
                if '"error"' in str(text):
                    phase.refusals += 1
                continue
            sender, seq, sent_ns = (int(g) for g in found.groups())
            if seq in client.seen:
                phase.duplicates += 1
                continue
            client.seen.add(seq)
            post = phase.posts.get(seq)
            if post is not None:
                post.received += 1
                if phase.in_window(post.sent_ns):
                    phase.latencies_ns.append(now - sent_ns)
            if phase.in_window(now):
                phase.delivered_in_window += 1
            if sender == client.number:
                waiting = phase.waiting.pop(seq, None)
                if waiting is not None and not waiting.done():
                    waiting.set_result(None)

    async def room_loop(
        self, room: list[Client], slot: int, phase: Phase, stop: asyncio.Event
    ) -> None:
        """One of a room's posts in flight: sent by the room's clients in turn, the next one
        when its sender has received it back."""
        loop = asyncio.get_running_loop()
        turn = slot
        while not stop.is_set():
            sender = room[turn % len(room)]
            turn += self.spec["in_flight"]
            phase.seq += 1
            seq = phase.seq
            sent_ns = time.monotonic_ns()
            phase.posts[seq] = Post(sent_ns=sent_ns, room=sender.room)
            phase.waiting[seq] = waiting = loop.create_future()
            body = f"BENCH {sender.number}:{seq}:{sent_ns}"
            await sender.ws.send(json.dumps({"type": "post", "body": body}))
            try:
                await asyncio.wait_for(waiting, PATIENCE)
            except TimeoutError:
                phase.waiting.pop(seq, None)  # lost; counted from ``received``

    @staticmethod
    async def beat(client: Client, stop: asyncio.Event, offset: float) -> None:
        try:
            await asyncio.wait_for(stop.wait(), offset)
        except TimeoutError:
            pass
        while not stop.is_set():
            await client.ws.send('{"type": "beat"}')
            try:
                await asyncio.wait_for(stop.wait(), BEAT_SECONDS)
            except TimeoutError:
                pass

    async def phase(self, echo: bool) -> dict[str, Any]:
        pid, seconds = self.spec["server_pid"], self.spec["seconds"]
        clients = await self.open_all(echo, self.plan())
        await asyncio.sleep(1.0)  # the connections' own start-up work settles
        phase = Phase()
        stop = asyncio.Event()
        readers = [asyncio.create_task(self.read(c, phase)) for c in clients]
        per_room = len(self.rooms[0]["sessions"])
        rooms = [clients[r * per_room : (r + 1) * per_room] for r in range(len(self.rooms))]
        loops = [
            asyncio.create_task(self.room_loop(room, slot, phase, stop))
            for room in rooms
            for slot in range(self.spec["in_flight"])
        ]
        beats = []
        if not echo:
            beats = [
                asyncio.create_task(self.beat(c, stop, BEAT_SECONDS * n / len(clients)))
                for n, c in enumerate(clients)
            ]
        await asyncio.sleep(WARM_UP_SECONDS)
        cpu_before, cpu_self = cpu_seconds(pid), time.process_time()
        phase.start_ns = time.monotonic_ns()
        await asyncio.sleep(seconds)
        phase.end_ns = time.monotonic_ns()
        server_cpu = (cpu_seconds(pid) - cpu_before) / seconds
        generator_cpu = (time.process_time() - cpu_self) / seconds
        stop.set()
        await asyncio.gather(*loops, *beats)
        await asyncio.sleep(1.0)  # the last receipts of the posts in flight
        await self.close_all(clients)
        await asyncio.gather(*readers, return_exceptions=True)
        window_posts = [p for p in phase.posts.values() if phase.in_window(p.sent_ns)]
        lost = sum(per_room - p.received for p in window_posts)
        latencies = sorted(phase.latencies_ns)

        def quantile(q: float) -> float:
            if not latencies:
                return float("nan")
            return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))] / 1e6, 1)

        rate = phase.delivered_in_window / seconds
        return {
            "kind": "baseline" if echo else "product",
            "delivered_per_s": round(rate, 1),
            "posts_per_s": round(len(window_posts) / seconds, 1),
            "sends_per_client_per_s": round(len(window_posts) / seconds / len(clients), 2),
            "p50_ms": quantile(0.50),
            "p99_ms": quantile(0.99),
            "lost": lost,
            "expected": per_room * len(window_posts),
            "duplicates": phase.duplicates,
            "refusals": phase.refusals,
            "server_cpu": round(server_cpu, 2),
            "generator_cpu": round(generator_cpu, 2),
        }

    async def memory(self, echo: bool) -> dict[str, Any]:
        """The server's resident set before and after all but one connection open."""
        pid = self.spec["server_pid"]
        first = await self.open(echo, *self.plan()[0])
        phase = Phase()
        reader = asyncio.create_task(self.read(first, phase))
        phase.waiting[1] = asyncio.get_running_loop().create_future()
        body = f"BENCH 0:1:{time.monotonic_ns()}"
        await first.ws.send(json.dumps({"type": "post", "body": body}))
        await asyncio.wait_for(phase.waiting[1], PATIENCE)
        await asyncio.sleep(1.0)
        before = rss_kib(pid)
        others = await self.open_all(echo, self.plan()[1:])
        await asyncio.sleep(2.0)  # the connections' own start-up work settles
        after = rss_kib(pid)
        await self.close_all([first, *others])
        await asyncio.gather(reader, return_exceptions=True)
        return {
            "kind": "baseline" if echo else "product",
            "rss_before_kib": before,
            "rss_after_kib": after,
            "kib_per_connection": round((after - before) / len(others), 1),
        }

    async def run(self) -> dict[str, Any]:
        if self.spec["mode"] == "memory":
            return await self.memory(self.spec["echo"])
        phases = []
        for round_ in range(self.spec["rounds"]):
            order = [True, False] if round_ % 2 == 0 else [False, True]
            for echo in order:
                result = await self.phase(echo)
                result["round"] = round_ + 1
                print(json.dumps(result), file=sys.stderr, flush=True)
                phases.append(result)
                await asyncio.sleep(2.0)  # the disconnections' own work (presence) settles
        return {"phases": phases}


def generate(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    print(json.dumps(asyncio.run(Generator(spec).run())), flush=True)
    return 0


# --- the run ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=500, help="connections (500)")
    parser.add_argument("--rooms", type=int, default=25, help="rooms (25)")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured s a phase (20)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of both phases (5)")
    parser.add_argument("--in-flight", type=int, default=2, help="posts in flight a room (2)")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--database", default="ent_bench_chat", help="bench database name")
    parser.add_argument("--settings", default=DEFAULT_SETTINGS, help="DJANGO_SETTINGS_MODULE")
    parser.add_argument("--generate", metavar="SPEC", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.generate:
        return generate(args.generate)
    if args.clients % args.rooms or args.clients // args.rooms < 2:
        parser.error("--clients must be a multiple of --rooms, at least 2 a room")
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        parser.error("set REDIS_URL to a Redis database of the bench's own (the channel layer)")

    from rich.console import Console
    from rich.table import Table

    out = Console(width=None if sys.stdout.isatty() else 110)
    err = Console(stderr=True)
    import redis

    layer_redis = redis.Redis.from_url(redis_url)
    if layer_redis.dbsize():
        parser.error(f"{redis_url} holds keys: give the bench an empty Redis database of its own")
    url = fresh_database(args.database)
    err.print(f"[bold]bench/chat[/]: database {args.database} (fresh), {args.settings}")
    try:
        django_setup(url, args.settings)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections
        from django_tenants.utils import schema_context

        from provisioning.services import provision_commune

        started = time.perf_counter()
        call_command("migrate_schemas", interactive=False, verbosity=0)
        provision_commune(name="Bordeaux", insee="33063", slug=SCHEMA, status="active")
        with schema_context(SCHEMA):
            rooms = make_rooms(args.rooms, args.clients // args.rooms)
        connections.close_all()
        err.print(
            f"migrate, provision, {args.clients} people: {time.perf_counter() - started:.1f} s"
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": args.settings,
            "DATABASE_URL": url,
            "REDIS_URL": redis_url,
            "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "platform"), str(REPO_ROOT)]),
        }
        spec: dict[str, Any] = {
            "base_domain": settings.ENT_BASE_DOMAIN,
            "rooms": rooms,
            "seconds": args.seconds,
            "rounds": args.rounds,
            "in_flight": args.in_flight,
        }
        with tempfile.TemporaryDirectory(prefix="bench-chat-") as tmp:
            work = Path(tmp)
            memory = {}
            for echo in (True, False):
                server = Server(env, work / "uvicorn.log")
                try:
                    spec.update(port=server.port, server_pid=server.proc.pid)
                    found = run_generator({**spec, "mode": "memory", "echo": echo}, work)
                finally:
                    server.stop()
                memory[found["kind"]] = found
                err.print(f"memory: {found}")
            server = Server(env, work / "uvicorn.log")
            try:
                spec.update(port=server.port, server_pid=server.proc.pid)
                phases = run_generator({**spec, "mode": "rounds"}, work)["phases"]
            finally:
                server.stop()
            server_errors = server.errors()
            if server_errors:
                err.print(f"uvicorn's log (end):\n{server.log_tail()}")
    finally:
        layer_redis.flushdb()  # empty when the run started: only the run's keys
        if args.keep:
            err.print(f"database kept: {url}")
        else:
            drop_database(url)

    table = Table(
        title=f"salons: {args.clients} clients in {args.rooms} rooms, {args.in_flight} posts in"
        f" flight a room, {args.seconds:g} s a phase"
    )
    columns = (
        "round", "phase", "delivered/s", "posts/s", "sends/client/s", "p50 ms", "p99 ms",
        "lost", "dup.", "refused", "server CPU", "generator CPU",
    )  # fmt: skip
    for column in columns:
        table.add_column(column, justify="left" if column == "phase" else "right")
    for p in phases:
        table.add_row(
            str(p["round"]), p["kind"], f"{p['delivered_per_s']:,.0f}", f"{p['posts_per_s']:,.0f}",
            f"{p['sends_per_client_per_s']:.2f}", str(p["p50_ms"]), str(p["p99_ms"]),
            f"{p['lost']}/{p['expected']}", str(p["duplicates"]), str(p["refusals"]),
            f"{p['server_cpu']:.0%}", f"{p['generator_cpu']:.0%}",
        )  # fmt: skip
    out.print(table)

    def median(kind: str, key: str) -> float:
        return round(statistics.median(p[key] for p in phases if p["kind"] == kind), 1)

    rate, baseline_rate = (
        median("product", "delivered_per_s"),
        median("baseline", "delivered_per_s"),
    )
    memory_table = Table(title="memory of the server process (VmRSS)")
    for column in ("application", "before KiB", f"{args.clients} connections KiB", "KiB each"):
        memory_table.add_column(column, justify="left" if column == "application" else "right")
    for kind in ("baseline", "product"):
        m = memory[kind]
        memory_table.add_row(
            kind,
            f"{m['rss_before_kib']:,}",
            f"{m['rss_after_kib']:,}",
            str(m["kib_per_connection"]),
        )
    out.print(memory_table)

    void = [
        f"{p['kind']} round {p['round']}: {what}"
        for p in phases
        for what, bad in (
            ("refused posts", p["refusals"]),
            ("duplicates", p["duplicates"]),
            ("no delivery", not p["delivered_per_s"]),
        )
        if bad
    ]
    rate_ratio = round(rate / baseline_rate, 3) if baseline_rate else 0.0
    result = {
        "bench": "chat",
        "rate_ratio": rate_ratio,
        "rate": rate,
        "baseline_rate": baseline_rate,
        "p50_ms": median("product", "p50_ms"),
        "p99_ms": median("product", "p99_ms"),
        "baseline_p50_ms": median("baseline", "p50_ms"),
        "baseline_p99_ms": median("baseline", "p99_ms"),
        "clients": args.clients,
        "rooms": args.rooms,
        "in_flight": args.in_flight,
        "kib_per_connection": memory["product"]["kib_per_connection"],
        "baseline_kib_per_connection": memory["baseline"]["kib_per_connection"],
        "lost": sum(p["lost"] for p in phases if p["kind"] == "product"),
        "baseline_lost": sum(p["lost"] for p in phases if p["kind"] == "baseline"),
        "server_errors": sum(server_errors.values()),
        "rounds": args.rounds,
        "seconds": args.seconds,
    }
    for last, count in server_errors.items():
        out.print(f"[red]server error[/] x{count}: {last}")
    if void:
        out.print("[red]VOID[/]: " + "; ".join(void))
    holds = rate_ratio >= BAR_RATE_RATIO
    out.print(
        f"rate_ratio = {rate_ratio} (bar >= {BAR_RATE_RATIO}): "
        + ("[green]bar holds[/]" if holds else "[red]bar missed[/]")
    )
    print(json.dumps(result), flush=True)
    if void:
        return 2
    return 0 if holds else 1


if __name__ == "__main__":
    sys.exit(main())
