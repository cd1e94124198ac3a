"""Benchmark: an allocation run (派位) over 20,000 applications (synthetic N=1) and 200,000 (N=10).

Usage:
    .venv/bin/python bench/allocation.py [--applications 20000 200000] [--database-url postgresql+psycopg://...]

For each size, one process writes the world into a fresh database (a temporary SQLite file unless a PostgreSQL
server URL is given, in which case a database is created and dropped): primary schools (one per 400 applications,
as the synthetic set), seat plans for about four in five applicants (so schools are oversubscribed and the lottery
and waitlists have work), one guardian per application, applications of category A/B/C in 5:3:2 with points for C.
Then two fresh processes time a dry run and a real run of ``api.admission.runs.run_allocation`` (the real one also
gives every application its result and history step and enqueues its SMS) and print the seconds and the process's
peak memory (resident set, ``ru_maxrss``), so one phase's memory is not counted in another's.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flask_migrate
import psycopg
from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from api import create_app
from api.admission.calendar import admission_year
from api.admission.models import Application, Level, School, SeatPlan
from api.admission.runs import run_allocation
from api.auth.models import Citizen
from api.common.db import utcnow
from api.extensions import db
from api.notify.models import SmsMessage

CHUNK = 10_000


def _app(url: str):
    return create_app("testing", SQLALCHEMY_DATABASE_URI=url)


def generate(url: str, applications: int) -> dict:
    started = time.perf_counter()
    rng = random.Random(applications)
    year = admission_year()
    app = _app(url)
    with app.app_context():
        flask_migrate.upgrade()
        schools = max(applications // 400, 4)
        db.session.execute(
            insert(School),
            [
                {"name": f"派位测试小学{i}", "level": Level.PRIMARY, "ownership": "public", "address": "", "lat": 28.68, "lon": 121.43}
                for i in range(schools)
            ],
        )
        school_ids = list(db.session.scalars(select(School.id).order_by(School.id)))
        per_school = applications // schools
        db.session.execute(
            insert(SeatPlan),
            [{"school_id": s, "year": year, "planned": int(per_school * rng.uniform(0.6, 1.0))} for s in school_ids],
        )
        now = utcnow()
        for start in range(0, applications, CHUNK):
            size = min(CHUNK, applications - start)
            db.session.execute(
                insert(Citizen),
                [
                    {
                        "id_number_hash": f"bench-{n}",
                        "id_number_masked": "331002********0000",
                        "name": f"家长{n}",
                        "phone": f"139{n:08d}",
                        "created_at": now,
                    }
                    for n in range(start, start + size)
                ],
            )
        first_citizen = db.session.scalar(select(func.min(Citizen.id)).where(Citizen.id_number_hash.like("bench-%")))
        for start in range(0, applications, CHUNK):
            rows = []
            for n in range(start, min(start + CHUNK, applications)):
                category = rng.choices("ABC", weights=[5, 3, 2])[0]
                rows.append(
                    {
                        "citizen_id": first_citizen + n,
                        "child_hash": f"bench-child-{n}",
                        "child_name": f"孩子{n}",
                        "child_id_masked": "331002********0000",
                        "child_birth_date": date(year - 6, 1, 1),
                        "level": Level.PRIMARY,
                        "year": year,
                        "school_id": school_ids[n % schools],
                        "category": category,
                        "points": rng.randint(40, 240) if category == "C" else None,
                        "status": "submitted",
                        "active_key": f"bench-child-{n}:primary:{year}",
                        "submitted_at": now,
                    }
                )
            db.session.execute(insert(Application), rows)
        db.session.commit()
        db.engine.dispose()
    return {"schools": schools, "seconds": round(time.perf_counter() - started, 1)}


def run(url: str, dry_run: bool) -> dict:
    app = _app(url)
    with app.app_context():
        started = time.perf_counter()
        allocation = run_allocation(
            db.session, year=admission_year(), level=Level.PRIMARY, seed="20270710", dry_run=dry_run, actor="bench", waitlist_percent=20
        )
        seconds = time.perf_counter() - started
        sms = db.session.scalar(select(func.count()).select_from(SmsMessage))
        totals = allocation.totals
        db.engine.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": round(seconds, 2), "peak_mb": round(peak_mb), "totals": totals, "sms": sms}


def _child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _database(server_url: str | None, folder: str, applications: int) -> tuple[str, str | None]:
    if not server_url:
        return f"sqlite:///{folder}/allocation{applications}.db", None
    url = make_url(server_url)
    name = f"zheli_alloc_{uuid.uuid4().hex[:8]}"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False), admin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, nargs="+", default=[20_000, 200_000])
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server URL (default: temporary SQLite files)")
    parser.add_argument("--phase", choices=["generate", "dry", "real"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:  # a child process: one phase, one JSON line
        result = generate(args.url, args.applications[0]) if args.phase == "generate" else run(args.url, args.phase == "dry")
        print(json.dumps(result, ensure_ascii=False))
        return
    with tempfile.TemporaryDirectory() as folder:
        for applications in args.applications:
            url, admin = _database(args.database_url, folder, applications)
            try:
                world = _child("--phase", "generate", "--url", url, "--applications", str(applications))
                dry = _child("--phase", "dry", "--url", url, "--applications", str(applications))
                real = _child("--phase", "real", "--url", url, "--applications", str(applications))
            finally:
                if admin:
                    with psycopg.connect(admin, autocommit=True) as conn:
                        conn.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
            print(
                f"{applications:,} applications, {world['schools']} schools ({make_url(url).get_backend_name()}; world written in "
                f"{world['seconds']} s)\n"
                f"  dry run:  {dry['seconds']:>7} s, peak {dry['peak_mb']} MB  {dry['totals']}\n"
                f"  real run: {real['seconds']:>7} s, peak {real['peak_mb']} MB  (results, history steps, {real['sms']:,} SMS enqueued)",
                flush=True,
            )


if __name__ == "__main__":
    main()
