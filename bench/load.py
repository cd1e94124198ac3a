"""HTTP load benchmark: every hot endpoint beside three ceilings of the same server, driven by wrk.

Usage:
    .venv/bin/python bench/load.py [--seconds 5] [--connections 8] [--workers 2] [--only NAME ...]
    make bench-load

It recreates the database zheli_load on the local PostgreSQL, migrates it, seeds the demo data and adds the rows
the write paths need (bench/world.py: 400 citizens with coins and vessels, a boat with room at every port, every
reward stocked, 6,000 families with a property or social insurance and a registered guardian). It starts
`gunicorn -w 2 wsgi:app` with the opt-in bench switch, which adds three ceilings to the same server:

    constant answer     GET  /api/v1/_bench/constant   no database
    one read            GET  /api/v1/_bench/read       a primary-key SELECT through the session
    one write           POST /api/v1/_bench/write      an INSERT committed in its own transaction

Then wrk (Debian package `wrk`; one thread, keep-alive connections, no think time) replays prepared requests
against each endpoint for a few seconds (bench/wrk/requests.lua: every write unique, by Idempotency-Key,
source_event_id, rising step counts, a new (vessel, window) pair or a new child). Each read is compared with the
one-read ceiling (goal >= 0.8), each write with the one-write ceiling (goal >= 0.5). The ceilings run first and
again last; the table shows both and divides by their mean, so drift of the shared machine shows.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "zheli_load"
DB_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB}"
ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
LUA = ROOT / "bench" / "wrk" / "requests.lua"
CITIZENS, FAMILIES, OFFERS, LINES = 400, 6_000, 1_200, 12_000
READ_GOAL, WRITE_GOAL = 0.8, 0.5
JSON = "Content-Type: application/json"
SERVER_LOG = Path(tempfile.gettempdir()) / "bench-load-server.log"
ACCEPT = "/api/v1/admission/applications/<int:application_id>/accept"


@dataclass
class Endpoint:
    name: str
    kind: str  # "ceiling", "read" or "write"
    expect: int  # the status every call should get
    lines: list[str]  # prepared requests, wrk's input
    absent: str = ""  # why it is not measured (the route does not exist yet)


def line(method: str, path: str, headers: list[str] = (), body: dict | None = None) -> str:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":")) if body is not None else ""
    # Placeholders the Lua script fills go in unquoted where they are numbers.
    text = text.replace('"@C@"', "@C@")
    return "\t".join([method, path, "|".join(headers), text])


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk not found: installing the Debian package (apt-get install -y wrk)", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=os.environ | {"DEBIAN_FRONTEND": "noninteractive"})
    return shutil.which("wrk") or sys.exit("wrk could not be installed")


def recreate_database() -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')
    env = os.environ | {"DATABASE_URL": DB_URL, "FLASK_APP": "wsgi"}
    for args in (["db", "upgrade"], ["seed", "demo"]):
        done = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"flask {' '.join(args)} failed:\n{done.stderr[-3000:]}")


def build_world():
    """The benchmark's extra rows (bench/world.py), and what the request lines need from the database."""
    from sqlalchemy import select

    from api import create_app
    from api.common.db import unit_of_work
    from api.extensions import db
    from api.greencoins.models import RewardStock
    from api.pickup.models import Port
    from bench import world

    app = create_app("development", SQLALCHEMY_DATABASE_URI=DB_URL)
    logging.getLogger("api.access").setLevel(logging.WARNING)  # the in-process app's requests: not one log line each
    with app.app_context(), unit_of_work(db.session):
        session, config = db.session, app.config
        year = world.year_of(config)
        citizens = world.add_citizens(session, config, CITIZENS)
        vessels = world.add_vessels(session, config, citizens)
        world.widen_capacity(session)
        parents = world.add_citizens(session, config, FAMILIES, start=CITIZENS)
        families = world.add_families(session, config, parents, year=year)
        offer_parents = world.add_citizens(session, config, OFFERS, start=CITIZENS + FAMILIES)
        offered_families = world.add_families(session, config, offer_parents, year=year, first_child=FAMILIES)
        codes = [world.citizen_code(config, c) for c in citizens]
        stock = session.execute(select(RewardStock.reward_id, RewardStock.station_id).order_by(RewardStock.id)).all()
        ports = [
            (p.id, [w for w in p.windows if w not in (getattr(p, "priority_windows", None) or [])]) for p in session.scalars(select(Port))
        ]
    offers = world.offer_places(app, offered_families, year=year) if ACCEPT in routes_of(app) else []
    return citizens, vessels, families, offers, codes, stock, ports, app


def routes_of(app) -> set[str]:
    return {rule.rule for rule in app.url_map.iter_rules()}


def endpoints(app, citizens, vessels, families, offers, codes, stock, ports) -> list[Endpoint]:
    rng = random.Random(20)
    from api.common.db import local_now

    today = local_now().date()  # the service's day (Asia/Shanghai), which the steps and slot rules go by

    def points(template: str) -> list[str]:
        return [line("GET", template.format(lat=rng.uniform(28.61, 28.75), lon=rng.uniform(121.34, 121.51))) for _ in range(2_000)]

    def per_citizen(path: str) -> list[str]:
        return [line("GET", path, [f"Authorization: {c.auth}"]) for c in citizens]

    slots = [
        (port, f"{today + timedelta(days=d)}T{window[:5]}:00+08:00") for d in range(1, 14) for port, windows in ports for window in windows
    ]
    rng.shuffle(slots)

    def booking(k: int) -> str:
        (port, start), captain = slots[k % len(slots)], citizens[(k // len(slots)) % len(citizens)]
        body = {"vessel_id": vessels[captain.id], "port_id": port, "slot_start": start, "items": [{"type": "oily_water", "est_qty_kg": 50}]}
        return line("POST", "/api/v1/pickup/bookings", [f"Authorization: {captain.auth}", JSON, "Idempotency-Key: bench-@N@"], body)

    def device_event(k: int) -> str:
        body = {
            "citizen_code": codes[k % len(codes)],
            "behavior": "garbage_sorting",
            "quantity": 1,
            "occurred_at": datetime.now().astimezone().isoformat(timespec="seconds"),
            "source_event_id": "bench-@N@",
        }
        return line("POST", "/api/v1/greencoins/events", ["X-Api-Key: demo-bin-key", JSON], body)

    def redemption(k: int) -> str:
        reward, station = stock[k % len(stock)]
        citizen = citizens[k % len(citizens)]
        body = {"reward_id": reward, "station_id": station, "quantity": 1}
        return line("POST", "/api/v1/greencoins/redemptions", [f"Authorization: {citizen.auth}", JSON, "Idempotency-Key: bench-@N@"], body)

    def steps(k: int) -> str:
        citizen = citizens[k % len(citizens)]
        # Steps are accepted for today and yesterday only (issue 17): every line names one of the two.
        body = {"date": (today - timedelta(days=(k // len(citizens)) % 2)).isoformat(), "steps": "@C@"}
        return line("POST", "/api/v1/greencoins/me/steps", [f"Authorization: {citizen.auth}", JSON], body)

    def application(family) -> str:
        headers = [f"Authorization: {family.parent.auth}", JSON, "Idempotency-Key: bench-@N@"]
        return line("POST", "/api/v1/admission/applications", headers, family.application())

    slot_reads = [line("GET", f"/api/v1/pickup/slots?port_id={p}&date={today + timedelta(days=d)}") for p, _ in ports for d in range(14)]
    found = [
        Endpoint("constant answer (ceiling)", "ceiling", 200, [line("GET", "/api/v1/_bench/constant")]),
        Endpoint("one read (ceiling)", "ceiling", 200, [line("GET", "/api/v1/_bench/read")]),
        Endpoint("one write (ceiling)", "ceiling", 201, [line("POST", "/api/v1/_bench/write")]),
        Endpoint("district lookup", "read", 200, points("/api/v1/admission/district?lat={lat:.5f}&lon={lon:.5f}")),
        Endpoint("schools near", "read", 200, points("/api/v1/admission/schools?near={lat:.5f},{lon:.5f}&limit=10")),
        Endpoint("green-coin balance", "read", 200, per_citizen("/api/v1/greencoins/me")),
        Endpoint("green-coin ledger", "read", 200, per_citizen("/api/v1/greencoins/me/ledger?limit=20")),
        Endpoint("pickup slots", "read", 200, slot_reads),
        Endpoint("leaderboard", "read", 200, [line("GET", "/api/v1/greencoins/leaderboard")]),
        Endpoint("device event", "write", 201, [device_event(k) for k in range(len(citizens))]),
        Endpoint("steps", "write", 200, [steps(k) for k in range(len(citizens) * 2)]),
        Endpoint("redemption", "write", 201, [redemption(k) for k in range(len(citizens))]),
        Endpoint("booking", "write", 201, [booking(k) for k in range(LINES)]),
        Endpoint("application submit", "write", 201, [application(f) for f in families]),
    ]
    if ACCEPT in routes_of(app):
        accept = [line("POST", f"/api/v1/admission/applications/{i}/accept", [f"Authorization: {f.parent.auth}"]) for f, i in offers]
        found.append(Endpoint("offer acceptance", "write", 200, accept))
    else:
        found.append(Endpoint("offer acceptance", "write", 200, [], absent="POST /admission/applications/{id}/accept not built yet"))
    return found


def run_wrk(wrk: str, base: str, endpoint: Endpoint, seconds: float, connections: int, workdir: Path) -> dict:
    path = workdir / (endpoint.name.replace(" ", "_").replace("(", "").replace(")", "") + ".tsv")
    path.write_text("\n".join(endpoint.lines) + "\n", encoding="utf-8")
    command = [wrk, "-t1", f"-c{connections}", f"-d{round(seconds)}s", "--timeout", "10s", "-s", str(LUA), base, "--", str(path), "1"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    for output in done.stdout.splitlines():
        if output.startswith("WRK_RESULT "):
            result = json.loads(output.removeprefix("WRK_RESULT "))
            result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
            return result
    sys.exit(f"wrk gave no result for {endpoint.name}:\n{done.stdout}\n{done.stderr}")


def start_server(workers: int, port: int) -> subprocess.Popen:
    env = os.environ | {"DATABASE_URL": DB_URL, "BENCH_BARE_ENDPOINT": "1", "APP_ENV": "development"}
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"]
    # The server logs each request (JSON lines) as in production; to a file, so the table stays readable.
    log = open(SERVER_LOG, "w")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(150):
        try:
            if requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).ok:
                return server
        except requests.RequestException:
            time.sleep(0.2)
    server.terminate()
    sys.exit(f"gunicorn did not answer /api/v1/health; see {SERVER_LOG}")


def warm_up(base: str, endpoint: Endpoint) -> None:
    """A few untimed calls per worker (imports, the catchment index, prepared statements), from the lines'
    reads only: a write line is left for wrk, so its unique key is not spent here."""
    if endpoint.kind == "write" and endpoint.name != "one write (ceiling)":
        return
    method, path, headers, body = endpoint.lines[0].split("\t")
    hdrs = dict(h.split(": ", 1) for h in headers.split("|") if h)
    for _ in range(6):
        requests.request(method, base + path, headers=hdrs, data=body.encode() or None, timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", nargs="*", help="endpoint names to run (the ceilings always run)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a stopped run still stops its gunicorn (finally below)
    wrk = ensure_wrk()
    started = time.perf_counter()
    os.environ["DATABASE_URL"] = DB_URL
    recreate_database()
    world = build_world()
    app = world[-1]
    specs = endpoints(app, *world[:-1])
    if args.only:
        specs = [e for e in specs if e.kind == "ceiling" or e.name in args.only]
    port = 18_000 + os.getpid() % 1000
    base = f"http://127.0.0.1:{port}"
    server = start_server(args.workers, port)
    results: dict[str, list[dict]] = {}
    try:
        for spec in specs:
            if spec.kind == "ceiling" or not spec.absent:
                warm_up(base, spec)
        with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
            ceilings = [s for s in specs if s.kind == "ceiling"]
            for spec in [*ceilings, *(s for s in specs if s.kind != "ceiling"), *ceilings]:
                if spec.absent:
                    continue
                results.setdefault(spec.name, []).append(run_wrk(wrk, base, spec, args.seconds, args.connections, Path(tmp)))
    finally:
        server.terminate()
        server.wait(timeout=30)
    report(specs, results, args, time.perf_counter() - started)


def report(specs: list[Endpoint], results: dict[str, list[dict]], args, elapsed: float) -> None:
    ceiling = {
        kind: sum(r["rps"] for r in results[name]) / len(results[name])
        for kind, name in (("constant", "constant answer (ceiling)"), ("read", "one read (ceiling)"), ("write", "one write (ceiling)"))
    }
    print(
        f"\ngunicorn -w {args.workers} (sync) on PostgreSQL; wrk -t1 -c{args.connections}, {args.seconds:g} s per endpoint; "
        f"{os.cpu_count()} cores shared by server, database and wrk"
    )
    print(f"{'endpoint':<28}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'ratio':>7}  {'goal':<22}{'errors':>7}  statuses")
    for spec in specs:
        if spec.absent:
            print(f"{spec.name:<28}{'—':>8}{'—':>8}{'—':>8}{'—':>7}  {'absent':<22}{'':>7}  {spec.absent}")
            continue
        runs = results[spec.name]
        rps = sum(r["rps"] for r in runs) / len(runs)
        p50 = max(r["p50_us"] for r in runs) / 1000
        p99 = max(r["p99_us"] for r in runs) / 1000
        statuses: dict[str, int] = {}
        for r in runs:
            for status, count in r["statuses"].items():
                statuses[status] = statuses.get(status, 0) + count
        errors = sum(c for s, c in statuses.items() if int(s) != spec.expect) + sum(sum(r["errors"].values()) for r in runs)
        if spec.kind == "ceiling":
            ratio = rps / ceiling["constant"]
            goal = "—" if len(runs) == 1 else f"first/last {runs[0]['rps']:.0f}/{runs[-1]['rps']:.0f}"
        else:
            target = READ_GOAL if spec.kind == "read" else WRITE_GOAL
            ratio = rps / ceiling[spec.kind]
            goal = f"{'ok' if ratio >= target else 'BELOW'} (>= {target} {spec.kind})"
        mix = " ".join(f"{s}:{c}" for s, c in sorted(statuses.items()))
        print(f"{spec.name:<28}{rps:>8.0f}{p50:>8.1f}{p99:>8.1f}{ratio:>7.2f}  {goal:<22}{errors:>7}  {mix}")
    print(
        f"ceilings: constant {ceiling['constant']:.0f} req/s, one read {ceiling['read']:.0f}, one write {ceiling['write']:.0f}; "
        f"ceilings ratio to the constant answer; reads to one read, writes to one write. Whole run {elapsed:.0f} s."
    )


if __name__ == "__main__":
    main()
