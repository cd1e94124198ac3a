"""Benchmark: every cockpit page's queries, at two scales of the synthetic data set, and how they grow.

Usage (PostgreSQL; each database made by `flask seed synthetic --scale N`, then `flask cockpit rollup`):
    .venv/bin/python bench/cockpit_queries.py \\
        postgresql+psycopg://postgres@127.0.0.1:5432/zheli_bench1 postgresql+psycopg://postgres@127.0.0.1:5432/zheli_bench10
Prints, per page and database, the median of 5 runs of all the page's queries (uncached, as an official of every
bureau sees it), the 0.3 s target, and the ratio of the second database's time to the first's (target ≤ 1.5).
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from api.admission.service import admission_year
from api.alerts import service
from api.auth.models import StaffUser
from api.common.db import local_now
from api.greencoins.models import LedgerEntry
from api.pickup.models import Booking
from cockpit import details, queries

TARGET_SECONDS = 0.3
TARGET_RATIO = 1.5
RUNS = 5
EVERY = queries.ALL_BUREAUS


def _alerts_page(session, roles):
    """The 趋势预警 page's reads: the bureau's active alerts and the colleagues they can be assigned to."""
    service.alerts_for(session, roles, status="active")
    list(session.scalars(select(StaffUser).where(StaffUser.active.is_(True))))


def _kiosk_alerts(session, roles):
    service.alerts_for(session, roles, status="active")


def _query(name):
    return getattr(queries, name) if hasattr(queries, name) else getattr(details, name)


def pages(today):
    """Every page's reads as an official of every bureau sees it (each page's own calls, in its order)."""
    month, half_year = today - timedelta(days=29), today - timedelta(days=179)
    half_before = queries.previous(half_year, today)
    year = admission_year(today)
    drill = {"device_flags": (month, today), "failed_sms": (month, today), "overdue_bookings": (None,)}
    count = {name: ("drill_count", (name, EVERY, *drill.get(name, ()))) for name in details.DRILLS}
    kiosk_counts = {**count, "overdue_bookings": ("drill_count", ("overdue_bookings", EVERY))}
    return {
        "总览 overview": [("headline", (month, today, EVERY)), ("daily_trend", (month, today, EVERY))],
        "入学一掌通 admission": [
            ("school_seats", (year, None)),
            ("catchments", (None,)),
            count["open_reviews"],
            ("applications_by_category", (year, None)),
            ("allocation_results", (year, None)),
            ("open_reviews", ()),
        ],
        "双碳绿币 green coins": [
            ("stations", ()),
            ("budget_burn", ()),
            ("green_trend", (month, today, None)),
            count["device_flags"],
            ("behaviour_points", (month, today)),
            ("behaviour_mix", (month, today, None)),
            ("stock_alerts", (None,)),
            ("flagged_devices", ()),
            ("green_projects", ()),
        ],
        "海洋云仓 pickup": [
            ("port_totals", (half_year, today, None)),
            ("season", ()),
            ("port_totals", (*half_before, None)),
            count["overdue_bookings"],
            count["red_vessels"],
            count["open_missed_reports"],
            ("vessels_by_color", ()),
            ("tonnes_by_type_and_month", (half_year, today, None)),
            ("overdue_bookings", (None,)),
            ("phone_bookings", ()),
            ("open_missed_reports", ()),
            ("vessels_with_reasons", ()),
        ],
        "短信通知 notifications": [
            ("message_counts", (month, today, EVERY)),
            count["failed_sms"],
            ("messages_by_day", (month, today, EVERY)),
            ("messages_by_template", (month, today, EVERY)),
            ("recent_failures", (EVERY,)),
        ],
        "趋势预警 alerts": [(_alerts_page, (["admin"],))],
        "大屏 kiosk": [
            ("headline", (month, today, EVERY)),
            ("daily_trend", (month, today, EVERY)),
            (_kiosk_alerts, (["admin"],)),
            *kiosk_counts.values(),
        ],
        # A drill-down opened (明细): the page above plus these rows (first SHOWN_ROWS, personal data masked).
        **{f"明细 {name}": [("drill_rows", (name, EVERY, *drill.get(name, ())))] for name in details.DRILLS},
    }


def measure(url: str) -> dict[str, float]:
    engine = create_engine(url)
    medians = {}
    with Session(engine) as session:
        ledger = session.scalar(select(func.count()).select_from(LedgerEntry))
        pickups = session.scalar(select(func.count()).select_from(Booking))
        print(f"database: {engine.url.render_as_string()}  ledger rows: {ledger:,}  pickups: {pickups:,}")
        for page, calls in pages(local_now().date()).items():
            timings = []
            for _ in range(RUNS):
                started = time.perf_counter()
                for call, args in calls:
                    (_query(call) if isinstance(call, str) else call)(session, *args)
                timings.append(time.perf_counter() - started)
                session.rollback()
            medians[page] = statistics.median(timings)
    engine.dispose()
    return medians


def main(urls: list[str]) -> None:
    results = [measure(url) for url in urls]
    header = f"{'page':<28}" + "".join(f"{'db ' + str(i + 1) + ' s':>10}" for i in range(len(urls)))
    print(header + (f"{'ratio':>8}" if len(urls) == 2 else ""))
    for page in results[0]:
        line = f"{page:<28}" + "".join(f"{r[page]:>10.3f}" for r in results)
        if len(urls) == 2:
            line += f"{results[1][page] / results[0][page]:>8.2f}"
        print(line)
    worst = max(max(r.values()) for r in results)
    print(f"slowest page {worst:.3f} s: {'within' if worst < TARGET_SECONDS else 'OVER'} the {TARGET_SECONDS} s target")
    if len(urls) == 2:
        ratio = max(results[1][p] / results[0][p] for p in results[0])
        print(f"largest ratio {ratio:.2f}: {'within' if ratio <= TARGET_RATIO else 'OVER'} the {TARGET_RATIO} target")


if __name__ == "__main__":
    main(sys.argv[1:] or [__import__("os").environ["DATABASE_URL"]])
