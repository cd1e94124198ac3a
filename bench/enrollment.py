"""Enrollment morning (SPEC §12.8): 500 parents at once submit 10,000 applications and read their status.

Usage:
    .venv/bin/python bench/enrollment.py [--parents 500] [--applications 10000] [--think 6] [--workers 2]
    make bench-enrollment

It recreates the database zheli_enroll on the local PostgreSQL, migrates it and seeds the demo data (the
demo-sized server), then writes the families straight into the registries (bench/world.py): 10,000 parents, each
the registered guardian (公安) of one child of primary age; four in five own a property inside a catchment (their
child applies in category A/B through it), one in five is a new resident with 24 months of social insurance who
names a school (category C). It starts `gunicorn -w 2 wsgi:app` and runs 500 simulated parents as asyncio tasks
(aiohttp): each takes the next family in turn, signs in as that parent (a token as the 浙里办 exchange issues),
waits a think time, submits the application with an Idempotency-Key as the mini-app does, waits again, reads the
application's status, and moves on to the next family, until 10,000 applications are in.

Think times are uniform between half and one and a half times ``--think`` seconds (a parent reading the form),
so 500 parents offer about 500 / think requests a second. Printed: counts per status, errors (anything but the
expected 201 and 200, and any connection failure), p50/p95/p99/max latency of submits and of reads, throughput.
Goal: 0 errors, p99 under 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp
import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "zheli_enroll"  # --database names another (never `test`, which the test runs use)
ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
SERVER_LOG = Path(tempfile.gettempdir()) / "bench-enrollment-server.log"


def db_url(database: str) -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}"


def prepare(applications: int, database: str = DB):
    if database == "test":
        sys.exit("the database `test` belongs to the test runs: name another with --database")
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')
    env = os.environ | {"DATABASE_URL": db_url(database), "FLASK_APP": "wsgi"}
    for args in (["db", "upgrade"], ["seed", "demo"]):
        done = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"flask {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    from api import create_app
    from api.common.db import unit_of_work
    from api.extensions import db
    from bench import world

    app = create_app("development", SQLALCHEMY_DATABASE_URI=db_url(database))
    logging.getLogger("api.access").setLevel(logging.WARNING)  # the in-process app's requests: not one log line each
    with app.app_context(), unit_of_work(db.session):
        parents = world.add_citizens(db.session, app.config, applications)
        return world.add_families(db.session, app.config, parents, year=world.year_of(app.config))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else float("nan")


async def parent(n: int, base: str, families, next_family, think: float, http: aiohttp.ClientSession, record) -> None:
    rng = random.Random(n)
    await asyncio.sleep(rng.uniform(0, think))  # parents do not all arrive in the same second
    while (family := next_family()) is not None:
        headers = {"Authorization": family.parent.auth, "Idempotency-Key": f"enroll-{family.child_id_number}"}
        await asyncio.sleep(rng.uniform(think / 2, think * 1.5))
        submit = http.post(f"{base}/api/v1/admission/applications", json=family.application(), headers=headers)
        submitted = await record("submit", 201, submit)
        if submitted is None:
            continue
        await asyncio.sleep(rng.uniform(think / 2, think * 1.5))
        await record("status", 200, http.get(f"{base}/api/v1/admission/applications/{submitted['id']}", headers=headers))


async def morning(base: str, families, parents: int, think: float) -> tuple[dict, Counter, list[str], float]:
    latencies: dict[str, list[float]] = {"submit": [], "status": []}
    statuses: Counter = Counter()
    errors: list[str] = []
    queue = iter(families)

    def next_family():
        return next(queue, None)

    async def record(kind: str, expect: int, call):
        started = time.perf_counter()
        try:
            async with call as response:
                body = await response.json(content_type=None)
                status = response.status
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            latencies[kind].append(time.perf_counter() - started)
            statuses[f"{kind} {type(exc).__name__}"] += 1
            errors.append(f"{kind}: {exc!r}")
            return None
        latencies[kind].append(time.perf_counter() - started)
        statuses[f"{kind} {status}"] += 1
        if kind == "submit" and status == expect and statuses["submit 201"] % 1000 == 0:
            print(f"  {statuses['submit 201']:,} applications in after {time.perf_counter() - begun:.0f} s", flush=True)
        if status != expect:
            errors.append(f"{kind}: {status} {str(body)[:300]}")
            return None
        return body

    timeout = aiohttp.ClientTimeout(total=60)
    started = begun = time.perf_counter()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=parents), timeout=timeout) as http:
        await asyncio.gather(*(parent(n, base, families, next_family, think, http, record) for n in range(parents)))
    return latencies, statuses, errors, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parents", type=int, default=500, help="simulated parents at once")
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--think", type=float, default=6.0, help="mean think time before each request, seconds")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", default=DB, help=f"the PostgreSQL database to recreate (default {DB}; never `test`)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a stopped run still stops its gunicorn (finally below)
    prepared = time.perf_counter()
    families = prepare(args.applications, args.database)
    print(f"prepared {args.database} with {len(families):,} families in {time.perf_counter() - prepared:.0f} s", flush=True)
    port = 19_000 + os.getpid() % 1000
    base = f"http://127.0.0.1:{port}"
    env = os.environ | {"DATABASE_URL": db_url(args.database), "APP_ENV": "development"}
    command = [sys.executable, "-m", "gunicorn", "-w", str(args.workers), "-b", f"127.0.0.1:{port}", "--backlog", "2048"]
    log = open(SERVER_LOG, "w")  # noqa: SIM115 - closed with the process; the JSON access log, read back below
    server = subprocess.Popen([*command, "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(150):
            try:
                if requests.get(f"{base}/api/v1/health", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        load_before = os.getloadavg()
        latencies, statuses, errors, elapsed = asyncio.run(morning(base, families, args.parents, args.think))
        load_after = os.getloadavg()
    finally:
        server.terminate()
        server.wait(timeout=30)
    total = sum(len(v) for v in latencies.values())
    print(f"load average (1, 5, 15 min) before the morning {load_before[0]:.1f} {load_before[1]:.1f} {load_before[2]:.1f}", end="; ")
    print(f"after {load_after[0]:.1f} {load_after[1]:.1f} {load_after[2]:.1f}")
    print(
        f"\nenrollment morning: {args.parents} parents, {len(families):,} families, think {args.think:g} s (mean); "
        f"gunicorn -w {args.workers} on PostgreSQL, {os.cpu_count()} cores shared with the client"
    )
    print(f"{total:,} requests in {elapsed:.0f} s ({total / elapsed:.0f} req/s); statuses: {dict(sorted(statuses.items()))}")
    print(f"{'request':<10}{'count':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    everything = [x for v in latencies.values() for x in v]
    for kind, values in [*latencies.items(), ("all", everything)]:
        row = [statistics.median(values), percentile(values, 0.95), percentile(values, 0.99), max(values)] if values else [0] * 4
        print(f"{kind:<10}{len(values):>8}" + "".join(f"{v * 1000:>9.0f}" for v in row))
    p99 = percentile(everything, 0.99)
    verdict = "met" if not errors and p99 < 1 and statuses["submit 201"] == len(families) else "NOT met"
    print(f"errors: {len(errors)}; p99 {p99 * 1000:.0f} ms; goal (0 errors, p99 < 1 s, every application in): {verdict}")
    for error in errors[:5]:
        print("  e.g.", error)
    server_side()


def server_side() -> None:
    """What the server itself logged per route (the access log's duration: from request in to response out, without
    the time a request waited in gunicorn's queue), so queueing and service time can be told apart."""
    durations: dict[str, list[float]] = {}
    statuses: Counter = Counter()
    for text in SERVER_LOG.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(text)
        except ValueError:
            continue
        if "route" in entry and "duration_ms" in entry and "/admission/" in entry["route"]:
            durations.setdefault(entry["route"], []).append(entry["duration_ms"])
            statuses[entry["status"]] += 1
    print(f"server side (its access log, {SERVER_LOG}): statuses {dict(sorted(statuses.items()))}")
    for route, values in durations.items():
        print(f"  {route:<50}{len(values):>7}  p50 {statistics.median(values):>6.0f} ms  p99 {percentile(values, 0.99):>6.0f} ms")


if __name__ == "__main__":
    main()
