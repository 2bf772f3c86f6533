#!/usr/bin/env python
"""Requests per second of a school site's public home page vs a one-query view, on the same
server in the same run.

    .venv/bin/python bench/public_site.py [--rounds 3] [--duration 10] [--slice 2] [--warmup 3]
                                          [--connections 4] [--db-name ent_bench_site] [--keep]

Set-up: a dedicated database (dropped and recreated) on the server of DATABASE_URL,
``migrate_schemas``, the commune ``bordeaux`` with the demo people and the named accounts'
publications (a published school site), then public posts with a photo up to ten and public
news of the school up to twenty (``bench/routing_app/seed_site.py``).

One gunicorn server (one sync worker, pinned to CPU 0) with the routing bench's settings —
the project's settings and middleware, plus the routing bench's view that reads one row of
``accounts_user`` (``bench/routing_app/views.py``) — serves both:

* site: ``GET /ecole/<uai>/``, the school's public home page as a visitor gets it (cached in
  Redis until the site changes: ``apps.site.caching``);
* view: ``GET /bench/``, the one-query view.

The cache is Redis, as in production: ENT_BENCH_REDIS_URL (default redis://127.0.0.1:6379/14,
emptied at the start: a database of its own). A no-op WSGI app on the same core gives the
generator's ceiling. wrk (pinned to CPU 1) loads each path for --duration seconds per round,
in --slice-second runs that alternate, and the medians over the rounds are reported. When
view_rps exceeds 70 % of the ceiling the figures are void (exit 2); below --min-ratio, exit 1.
The last line of stdout is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from routing import (
    GENERATOR_LIMIT,
    INSEE,
    NAME,
    NOISE_LIMIT,
    PATH,
    PYTHON,
    ROOT,
    SLUG,
    BenchError,
    Server,
    busy_share,
    check_cpus,
    child_env,
    database_urls,
    drop_database,
    ensure_gunicorn,
    ensure_wrk,
    recreate_database,
    run_step,
    running,
    wrk,
)

DEFAULT_REDIS = "redis://127.0.0.1:6379/14"
SETTINGS = "bench.routing_app.settings_routed"


def log(message: str) -> None:
    print(f"bench/public_site: {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (3)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per path and round")
    parser.add_argument("--slice", type=int, default=2, help="seconds of one wrk run (2)")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up seconds per path")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (4)")
    parser.add_argument("--db-name", default="ent_bench_site", help="database to (re)create")
    parser.add_argument("--min-ratio", type=float, default=0.8, help="bar for site/view")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args, unknown = parser.parse_known_args()
    if min(args.rounds, args.duration, args.slice, args.connections) < 1:
        parser.error("--rounds, --duration, --slice and --connections must be at least 1")
    if unknown:
        log(f"ignoring arguments meant for another bench: {' '.join(unknown)}")
    return args


def set_up(database_url: str) -> tuple[str, int]:
    """Migrate, provision, seed; the site's path and how many public items it lists."""
    env = child_env(database_url, SETTINGS)
    manage = [PYTHON, str(ROOT / "manage.py")]
    log("migrate_schemas --noinput")
    run_step([*manage, "migrate_schemas", "--noinput"], env, "migrate_schemas")
    log(f"provision_commune {NAME} ({INSEE})")
    run_step(
        [*manage, "provision_commune", "--name", NAME, "--insee", INSEE, "--slug", SLUG],
        env,
        "provision_commune",
    )
    log("demo people, the school site, its public posts and news")
    out = run_step([PYTHON, "-m", "bench.routing_app.seed_site", SLUG], env, "seed_site")
    site_path, items = out.strip().splitlines()[-2:]
    return site_path, int(items)


def empty_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def check_answers(server: Server, site_path: str, noop: Server) -> None:
    status, body = server.get(site_path)
    if status != 200 or "site-item" not in body:
        raise BenchError(f"site: GET {site_path} gave {status} {body[:200]!r}")
    # The demo's first account, read from the commune's schema.
    status, body = server.get(PATH)
    if status != 200 or not body.strip():
        raise BenchError(f"view: GET {PATH} gave {status} {body[:200]!r}")
    status, _ = noop.get(PATH)
    if status != 200:
        raise BenchError(f"ceiling: no-op app gave {status}")


def measure(args: argparse.Namespace) -> dict[str, list[float] | str | int]:
    wrk_bin = ensure_wrk()
    ensure_gunicorn()
    check_cpus()
    redis_url = os.environ.get("ENT_BENCH_REDIS_URL", DEFAULT_REDIS)
    database_url, admin_url = database_urls(args.db_name)
    log(f"database {args.db_name}: drop and create")
    recreate_database(admin_url, args.db_name)
    try:
        site_path, items = set_up(database_url)
        empty_redis(redis_url)
        with tempfile.TemporaryDirectory(prefix="ent-bench-site-") as tmp:
            env = child_env(database_url, SETTINGS)
            env["REDIS_URL"] = redis_url
            server = Server("project", "bench.routing_app.wsgi_routed:application", env, Path(tmp))
            noop = Server("ceiling", "bench.routing_app.wsgi_noop:application", env, Path(tmp))
            results: dict[str, list[float]] = {"site": [], "view": [], "ceiling": []}
            paths = {"site": (server, site_path), "view": (server, PATH), "ceiling": (noop, PATH)}
            with running([noop, server]):
                check_answers(server, site_path, noop)
                busy = busy_share()
                if busy > 0.10:
                    log(f"NOTE: CPUs already {busy:.0%} busy")
                log(f"warm-up {args.warmup:g} s per path")
                for target, path in paths.values():
                    wrk(wrk_bin, target, args.warmup, args.connections, path)
                slices = max(1, round(args.duration / args.slice))
                for index in range(args.rounds):
                    per_slice: dict[str, list[float]] = {name: [] for name in paths}
                    for number in range(slices):
                        flip = (index * slices + number) % 2
                        order = ["ceiling", "view", "site"] if flip else ["ceiling", "site", "view"]
                        for name in order:
                            target, path = paths[name]
                            per_slice[name].append(
                                wrk(wrk_bin, target, args.slice, args.connections, path)
                            )
                    for name in paths:
                        results[name].append(statistics.fmean(per_slice[name]))
                    log(
                        f"round {index + 1}/{args.rounds}: "
                        + ", ".join(f"{name} {results[name][-1]:.0f} rps" for name in paths)
                    )
                check_answers(server, site_path, noop)
    finally:
        if args.keep:
            log(f"database {args.db_name} kept ({database_url})")
        else:
            drop_database(admin_url, args.db_name)
    return {**results, "path": site_path, "items": items}


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, _terminate)
    try:
        outcome = measure(args)
    except (BenchError, subprocess.CalledProcessError) as exc:
        log(f"error: {exc}")
        return 1
    runs = {name: outcome[name] for name in ("site", "view", "ceiling")}
    for name, values in runs.items():
        assert isinstance(values, list)
        print(f"{name:8} rps per round: " + ", ".join(f"{rps:.0f}" for rps in values))
        if name != "ceiling" and max(values) / min(values) - 1 > NOISE_LIMIT:
            print(f"NOTE: {name} varied by more than {NOISE_LIMIT:.0%} between rounds: run again.")
    site = statistics.median(runs["site"])  # type: ignore[arg-type]
    view = statistics.median(runs["view"])  # type: ignore[arg-type]
    ceiling = statistics.median(runs["ceiling"])  # type: ignore[arg-type]
    summary = {
        "bench": "public_site",
        "site_rps": round(site, 1),
        "view_rps": round(view, 1),
        "ratio": round(site / view, 3),
        "generator_ceiling_rps": round(ceiling, 1),
        "public_items": outcome["items"],
    }
    rc = 0
    share = max(site, view) / ceiling
    if share > GENERATOR_LIMIT:
        limit = f"{GENERATOR_LIMIT:.0%}"
        print(f"VOID: the faster path is {share:.0%} of the generator's ceiling (> {limit}).")
        rc = 2
    elif site / view < args.min_ratio:
        print(f"FAIL: site/view = {site / view:.3f} < {args.min_ratio}")
        rc = 1
    else:
        print(f"OK: site/view = {site / view:.3f} >= {args.min_ratio}; {share:.0%} of the ceiling")
    print(json.dumps(summary), flush=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
