"""SQL statements per request on the hot paths (reads and writes), against the first release's counts (issue 22), and a profile.

Usage:
    .venv/bin/python bench/statements.py                 # PostgreSQL (a fresh database zheli_statements)
    .venv/bin/python bench/statements.py --sqlite        # a temporary SQLite file
    .venv/bin/python bench/statements.py --verbose       # every statement with its time
    .venv/bin/python bench/statements.py --profile 200 [--only offer]   # cProfile of 200 calls of each path

Real HTTP through the Flask test client on the demo data plus bench/world.py's citizens: a citizen books a pickup
window and redeems a reward, a guardian applies for their child (each with an Idempotency-Key, as the mini-app
sends them) and accepts an offered place from a real allocation run; a partner device reports an event; a phone
reports steps. A SQLAlchemy
``before_cursor_execute`` listener on the engine counts what reaches the database (BEGIN is implicit in the
driver; COMMIT is counted separately). Each path is called once untimed first, so per-process caches are warm,
as they are in a running server after its first requests.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from itertools import count
from pathlib import Path

import psycopg
from sqlalchemy import event, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_DB = "zheli_statements"
ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
FIRST_RELEASE = {"booking with Idempotency-Key": 22, "redemption with Idempotency-Key": 16}  # issue 22's counts
PER_PATH = 250  # unique requests each path can make (families to apply, offers to accept)


class Recorder:
    """Statements the engine sends, with the time each took (from cursor execute to its return)."""

    def __init__(self, engine) -> None:
        self.statements: list[tuple[str, float]] = []
        self.commits = 0
        self.on = False
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        event.listen(engine, "commit", self._commit)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        if self.on:
            self.statements.append((" ".join(statement.split()), time.perf_counter() - conn.info.pop("bench_started")))

    def _commit(self, conn):
        if self.on:
            self.commits += 1

    def record(self, call: Callable[[], object]) -> tuple[object, float]:
        self.statements, self.commits, self.on = [], 0, True
        started = time.perf_counter()
        try:
            result = call()
        finally:
            self.on = False
        return result, time.perf_counter() - started


def make_app(sqlite: bool, database: str = PG_DB):
    from flask_migrate import upgrade

    from api import create_app
    from api.common.db import unit_of_work
    from api.extensions import db
    from api.seed.demo import seed_demo

    if sqlite:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='bench-statements-')}/bench.db"
    else:
        with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{database}"')
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}"
    app = create_app("development", SQLALCHEMY_DATABASE_URI=url, BENCH_BARE_ENDPOINT=True)  # the three ceilings too
    logging.getLogger("api.access").setLevel(logging.WARNING)  # the in-process app's requests: not one log line each
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        with unit_of_work(db.session):
            seed_demo(db.session, app.config)
    return app, url


def ceiling(client, method: str, path: str, status: int) -> Callable[[], None]:
    """One of bench/load.py's three ceilings (the opt-in bench switch), called as the paths are."""

    def call():
        response = client.open(path, method=method)
        assert response.status_code == status, response.get_data(as_text=True)

    return call


def scenario(app):
    """The citizens, their vessels and the next unique request of each write path."""
    from api.common.db import unit_of_work
    from api.extensions import db
    from api.greencoins.models import RewardStock
    from api.pickup.models import Port
    from bench import world

    with app.app_context(), unit_of_work(db.session):
        year = world.year_of(app.config)
        citizens = world.add_citizens(db.session, app.config, 50)
        vessels = world.add_vessels(db.session, app.config, citizens)
        world.widen_capacity(db.session)
        parents = world.add_citizens(db.session, app.config, 2 * PER_PATH, start=50)
        families = world.add_families(db.session, app.config, parents[:PER_PATH], year=year)
        offered = world.add_families(db.session, app.config, parents[PER_PATH:], year=year, first_child=PER_PATH)
        codes = [world.citizen_code(app.config, c) for c in citizens]
        stock = db.session.execute(select(RewardStock.reward_id, RewardStock.station_id).order_by(RewardStock.id)).first()
        port = db.session.scalars(select(Port).order_by(Port.id)).first()
        windows = [w for w in port.windows if w not in (getattr(port, "priority_windows", None) or [])]
        port_id = port.id
    offers = iter(world.offer_places(app, offered, year=year))
    client = app.test_client()
    keys = count()
    submits = iter(families)
    slots = iter((c, f"{date.today() + timedelta(days=d)}T{w[:5]}:00+08:00") for d in range(1, 14) for w in windows for c in citizens)

    def booking():
        captain, start = next(slots)
        items = [{"type": "oily_water", "est_qty_kg": 50}]
        body = {"vessel_id": vessels[captain.id], "port_id": port_id, "slot_start": start, "items": items}
        headers = {"Authorization": captain.auth, "Idempotency-Key": f"stmt-{next(keys)}"}
        response = client.post("/api/v1/pickup/bookings", json=body, headers=headers)
        assert response.status_code == 201, response.get_data(as_text=True)

    def redemption():
        k = next(keys)
        headers = {"Authorization": citizens[k % len(citizens)].auth, "Idempotency-Key": f"stmt-{k}"}
        response = client.post("/api/v1/greencoins/redemptions", json={"reward_id": stock[0], "station_id": stock[1]}, headers=headers)
        assert response.status_code == 201, response.get_data(as_text=True)

    submitted: list[tuple[str, int]] = []  # (the parent's token, the application) of each submit, for the status read

    def application():
        family = next(submits)
        headers = {"Authorization": family.parent.auth, "Idempotency-Key": f"stmt-{next(keys)}"}
        response = client.post("/api/v1/admission/applications", json=family.application(), headers=headers)
        assert response.status_code == 201, response.get_data(as_text=True)
        submitted.append((family.parent.auth, response.get_json()["id"]))

    def status():
        auth, application_id = submitted[len(submitted) // 2]  # the status read of the enrollment morning
        response = client.get(f"/api/v1/admission/applications/{application_id}", headers={"Authorization": auth})
        assert response.status_code == 200, response.get_data(as_text=True)

    def acceptance():
        family, application_id = next(offers)
        response = client.post(f"/api/v1/admission/applications/{application_id}/accept", headers={"Authorization": family.parent.auth})
        assert response.status_code == 200, response.get_data(as_text=True)

    def device_event():
        k = next(keys)
        body = {
            "citizen_code": codes[k % len(codes)],
            "behavior": "garbage_sorting",
            "quantity": 1,
            "occurred_at": datetime.now().astimezone().isoformat(timespec="seconds"),
            "source_event_id": f"stmt-{k}",
        }
        response = client.post("/api/v1/greencoins/events", json=body, headers={"X-Api-Key": "demo-bin-key"})
        assert response.status_code == 201, response.get_data(as_text=True)

    def steps():
        k = next(keys)
        body = {"date": date.today().isoformat(), "steps": 1000 + k}
        response = client.post("/api/v1/greencoins/me/steps", json=body, headers={"Authorization": citizens[k % len(citizens)].auth})
        assert response.status_code == 200, response.get_data(as_text=True)

    def read(path: str, auth: bool = True):
        def call():
            response = client.get(path, headers={"Authorization": citizens[0].auth} if auth else {})
            assert response.status_code == 200, response.get_data(as_text=True)

        return call

    day = date.today() + timedelta(days=1)
    return {
        "ceiling: constant answer": ceiling(client, "GET", "/api/v1/_bench/constant", 200),
        "ceiling: one read": ceiling(client, "GET", "/api/v1/_bench/read", 200),
        "ceiling: one write": ceiling(client, "POST", "/api/v1/_bench/write", 201),
        "read: district lookup": read("/api/v1/admission/district?lat=28.68&lon=121.42", auth=False),
        "read: schools near": read("/api/v1/admission/schools?near=28.68,121.42&limit=10", auth=False),
        "read: green-coin balance": read("/api/v1/greencoins/me"),
        "read: green-coin ledger": read("/api/v1/greencoins/me/ledger?limit=20"),
        "read: pickup slots": read(f"/api/v1/pickup/slots?port_id={port_id}&date={day}", auth=False),
        "read: leaderboard": read("/api/v1/greencoins/leaderboard", auth=False),
        "booking with Idempotency-Key": booking,
        "redemption with Idempotency-Key": redemption,
        "application submit with Idempotency-Key": application,
        "read: application status": status,
        "offer acceptance": acceptance,
        "device event": device_event,
        "steps": steps,
    }


def median_ms(call: Callable[[], object], times: int) -> float:
    """The median wall time of ``times`` calls, in ms: the test client's whole request, Python and round trips."""
    took = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        took.append(time.perf_counter() - started)
    return sorted(took)[len(took) // 2] * 1000 if took else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead of PostgreSQL")
    parser.add_argument("--verbose", action="store_true", help="print every statement with its time")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="cProfile N calls of each path")
    parser.add_argument("--sort", default="cumulative", help="pstats order of the profile (cumulative, tottime)")
    parser.add_argument("--top", type=int, default=25, help="functions shown in the profile")
    parser.add_argument("--database", default=PG_DB, help="the PostgreSQL database to recreate (never `test`)")
    parser.add_argument("--only", help="profile only the paths whose name contains this")
    parser.add_argument("--timed", type=int, default=20, help="calls of each path timed for the median (after the counted one)")
    args = parser.parse_args()
    app, url = make_app(args.sqlite, args.database)
    paths = scenario(app)
    from api.extensions import db

    with app.app_context():
        recorder = Recorder(db.engine)
    print(f"database: {url}")
    print(f"{'path':<41}{'statements':>11}{'commits':>9}{'first release':>15}{'ms in SQL':>11}{'ms total':>10}{'median ms':>11}")
    for name, call in paths.items():
        call()  # warm: the process's caches, as in a running server
        _, elapsed = recorder.record(call)
        sql_ms = sum(t for _, t in recorder.statements) * 1000
        took = f"{sql_ms:>11.2f}{elapsed * 1000:>10.2f}{median_ms(call, args.timed):>11.2f}"
        first = FIRST_RELEASE.get(name, "—")
        print(f"{name:<41}{len(recorder.statements):>11}{recorder.commits:>9}{first:>15}{took}")
        if args.verbose:
            for i, (statement, took) in enumerate(recorder.statements, 1):
                print(f"    {i:>2}. {took * 1000:6.2f} ms  {statement[:150]}")
    for name, call in paths.items():
        if not args.profile:
            break
        if args.only and args.only not in name:
            continue
        profiler = cProfile.Profile()
        recorder.statements, recorder.on = [], True
        started = time.perf_counter()
        profiler.enable()
        for _ in range(args.profile):
            call()
        profiler.disable()
        wall, recorder.on = time.perf_counter() - started, False
        sql = sum(t for _, t in recorder.statements)
        per_call = wall / args.profile * 1000
        trips = len(recorder.statements) / args.profile
        print(
            f"\n{name}: {args.profile} calls, {per_call:.2f} ms a call, {trips:.0f} statements a call, "
            f"{sql / args.profile * 1000:.2f} ms of it waiting on the database "
            f"({sql / len(recorder.statements) * 1000:.3f} ms a round trip)"
        )
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
