"""HTTP load benchmark: gunicorn on PostgreSQL, driven from other processes for a fixed time per endpoint.

Usage:
    .venv/bin/python bench/load.py [--seconds 8] [--clients 4] [--workers 2]
It creates the database zheli_load on the local PostgreSQL, migrates and seeds the demo data, starts
`gunicorn wsgi:app` with the opt-in bare endpoint, and prints requests/s and p50/p99 latency for each
endpoint beside the bare endpoint (a constant JSON answer in the same server) as a ratio.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "zheli_load"
DB_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB}"


def prepare_database() -> None:
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')
    env = os.environ | {"DATABASE_URL": DB_URL, "FLASK_APP": "wsgi"}
    for args in (["db", "upgrade"], ["seed", "demo"]):
        subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, check=True, capture_output=True)
    # Enough coins and stock that redemptions measure the redeeming path, not refusals.
    from sqlalchemy import select

    from api import create_app
    from api.auth.models import Citizen
    from api.common.db import unit_of_work
    from api.extensions import db
    from api.greencoins.models import EntryKind, RewardStock
    from api.greencoins.service import lock_account, post_entry

    app = create_app("development", SQLALCHEMY_DATABASE_URI=DB_URL)
    with app.app_context(), unit_of_work(db.session):
        for citizen_id in db.session.scalars(select(Citizen.id)):
            post_entry(db.session, lock_account(db.session, citizen_id), EntryKind.ADJUST, 10_000_000, note="bench")
        for stock in db.session.query(RewardStock):
            stock.stock = 10_000_000


def sign_in(base: str, resident: dict) -> dict:
    ticket = requests.post(f"{base}/mock-zlb/tickets", json={k: resident[k] for k in ("id_number", "name", "phone")})
    token = requests.post(f"{base}/api/v1/auth/zlb/exchange", json={"ticket": ticket.json()["ticket"]})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


@dataclass
class Call:
    """One timed request; `undo` (untimed) puts things back so the next call takes the same path again."""

    method: str
    path: str
    headers: dict = field(default_factory=dict)
    body: dict | None = None
    undo: Callable[[requests.Session, str, requests.Response], None] | None = None


def _withdraw(session: requests.Session, base: str, response: requests.Response) -> None:
    if response.status_code == 201:
        application = response.json()["id"]
        session.post(f"{base}/api/v1/admission/applications/{application}/withdraw", headers=response.request.headers)


def _cancel_booking(session: requests.Session, base: str, response: requests.Response) -> None:
    if response.status_code == 201:
        booking = response.json()["id"]
        session.post(f"{base}/api/v1/pickup/bookings/{booking}/cancel", headers=response.request.headers)


def scenarios(base: str, clients: int) -> dict[str, list[Call]]:
    """Each endpoint with one call per client process; every client acts as a different citizen where it can,
    so the figures measure the path, not one account's row lock."""
    residents = requests.get(f"{base}/mock-zlb/residents").json()["items"]
    tokens = {r["name"]: sign_in(base, r) for r in residents}
    citizens = [tokens[r["name"]] for r in residents]
    codes = [requests.get(f"{base}/api/v1/greencoins/me/code", headers=h).json()["code"] for h in citizens]
    captain = tokens["阮吉良"]
    vessel = requests.get(f"{base}/api/v1/pickup/vessels/mine", headers=captain).json()["items"][0]["id"]
    port = requests.get(f"{base}/api/v1/pickup/ports").json()["items"][0]["id"]
    reward = requests.get(f"{base}/api/v1/greencoins/rewards").json()["items"][0]
    parents = [r for r in residents if r["name"] in ("王建国", "李秀英", "张伟", "吴晓东")]  # A, B, C, junior
    day = date.today() + timedelta(days=1)
    # A C-category (new resident) application names its school.
    school = requests.get(f"{base}/api/v1/admission/schools?level=primary&limit=1").json()["items"][0]["id"]

    def application(i: int) -> Call:
        parent = parents[i % len(parents)]
        child = parent["children"][0]
        body = {"level": "junior" if parent["name"] == "吴晓东" else "primary",
                "property_no": (parent["property_nos"] or [None])[0],
                "school_id": None if parent["property_nos"] else school,
                "child": {k: child[k] for k in ("name", "id_number", "birth_date")}}
        return Call("POST", "/api/v1/admission/applications", tokens[parent["name"]], body, _withdraw)

    def booking(i: int) -> Call:
        body = {"vessel_id": vessel, "port_id": port, "slot_start": f"{day + timedelta(days=i)}T09:00:00+08:00",
                "items": [{"type": "oily_water", "est_qty_kg": 50}]}
        return Call("POST", "/api/v1/pickup/bookings", captain, body, _cancel_booking)

    per_client = {
        "bare endpoint (ceiling)": lambda i: Call("GET", "/api/v1/_bench/constant"),
        "district lookup": lambda i: Call("GET", "/api/v1/admission/district?lat={lat}&lon={lon}"),
        "schools near": lambda i: Call("GET", "/api/v1/admission/schools?near={lat},{lon}&limit=10"),
        "green-coin balance": lambda i: Call("GET", "/api/v1/greencoins/me", citizens[i % len(citizens)]),
        "device event": lambda i: Call("POST", "/api/v1/greencoins/events", {"X-Api-Key": "demo-bin-key"}, {
            "citizen_code": codes[i % len(codes)], "behavior": "garbage_sorting", "quantity": 1,
            "occurred_at": "now", "source_event_id": "unique"}),
        "redemption": lambda i: Call("POST", "/api/v1/greencoins/redemptions", citizens[i % len(citizens)], {
            "reward_id": reward["id"], "station_id": reward["stations"][0]["station_id"], "quantity": 1}),
        "slot query": lambda i: Call("GET", f"/api/v1/pickup/slots?port_id={port}&date={day}"),
        "booking (then cancelled, untimed)": booking,
        "application submit (then withdrawn, untimed)": application,
    }
    return {name: [make(i) for i in range(clients)] for name, make in per_client.items()}


def client(base: str, call: Call, seconds: float, results: mp.Queue, seed: int) -> None:
    rng, session = random.Random(seed), requests.Session()
    latencies, statuses, n = [], Counter(), 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        url = base + call.path.format(lat=rng.uniform(28.61, 28.75), lon=rng.uniform(121.34, 121.51))
        payload = dict(call.body) if call.body else None
        if payload and payload.get("source_event_id") == "unique":
            payload["source_event_id"] = f"bench-{seed}-{n}"
            payload["occurred_at"] = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
        started = time.perf_counter()
        response = session.request(call.method, url, headers=call.headers, json=payload)
        latencies.append(time.perf_counter() - started)
        statuses[response.status_code] += 1
        if call.undo:
            call.undo(session, base, response)
        n += 1
    results.put((latencies, statuses))


def run(base: str, calls: list[Call], seconds: float) -> tuple[float, float, float, Counter]:
    results: mp.Queue = mp.Queue()
    procs = [mp.Process(target=client, args=(base, call, seconds, results, i)) for i, call in enumerate(calls)]
    for p in procs:
        p.start()
    latencies, statuses = [], Counter()
    for _ in procs:
        lat, st = results.get()
        latencies += lat
        statuses += st
    for p in procs:
        p.join()
    latencies.sort()
    # Requests per second of the timed calls only: calls / time spent in them per client (undo calls left out).
    rps = len(latencies) / (sum(latencies) / len(calls))
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return rps, statistics.median(latencies) * 1000, p99 * 1000, statuses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    prepare_database()
    port = 18_000 + os.getpid() % 1000
    base = f"http://127.0.0.1:{port}"
    env = os.environ | {"DATABASE_URL": DB_URL, "BENCH_BARE_ENDPOINT": "1", "LOGIN_FAILURE_LIMIT": "100000 per minute"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                if requests.get(f"{base}/api/v1/health", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        specs = scenarios(base, args.clients)
        print(f"gunicorn {args.workers} workers on PostgreSQL; {args.clients} client processes; "
              f"{args.seconds:.0f} s per endpoint; machine: {os.cpu_count()} cores")
        print(f"{'endpoint':<46}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'vs bare':>9}  statuses")
        ceiling = None
        for name, spec in specs.items():
            rps, p50, p99, statuses = run(base, spec, args.seconds)
            ceiling = ceiling or rps
            mix = " ".join(f"{code}:{count}" for code, count in sorted(statuses.items()))
            print(f"{name:<46}{rps:>9.0f}{p50:>9.1f}{p99:>9.1f}{rps / ceiling:>9.2f}  {mix}")
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
