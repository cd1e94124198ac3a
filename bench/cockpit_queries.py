"""Benchmark: every cockpit page's SQL aggregations on a district-sized data set.

Usage (PostgreSQL, after `flask --app wsgi seed synthetic --scale 1` into that database):
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/zheli_bench .venv/bin/python bench/cockpit_queries.py
Prints, per page, the median of 5 runs of all its queries (uncached), and the ratio to the 1 s target.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from api.admission.service import admission_year  # noqa: E402
from api.common.db import local_now  # noqa: E402
from api.greencoins.models import LedgerEntry  # noqa: E402
from api.pickup.models import Booking  # noqa: E402
from cockpit import queries  # noqa: E402

TARGET_SECONDS = 1.0
RUNS = 5


def pages(today):
    month, half_year = today - timedelta(days=29), today - timedelta(days=179)
    year = admission_year(today)
    return {
        "总览 overview": [("headline", (month, today)), ("daily_trend", (month, today))],
        "入学一掌通 admission": [("school_seats", (year, None)), ("catchments", (None,)),
                                 ("applications_by_category", (year, None))],
        "双碳绿币 green coins": [("daily_trend", (month, today)), ("behaviour_mix", (month, today, None)),
                               ("behaviour_points", (month, today)), ("stations", ()), ("stock_alerts", ())],
        "海洋云仓 pickup": [("port_totals", (half_year, today, None)), ("tonnes_by_type_and_month", (half_year, today, None)),
                          ("vessels_by_color", ()), ("overdue_bookings", (None,))],
        "短信通知 notifications": [("message_counts", (month, today)), ("messages_by_day", (month, today)),
                                  ("messages_by_template", (month, today)), ("recent_failures", ())],
    }


def main() -> None:
    url = os.environ["DATABASE_URL"]
    engine = create_engine(url)
    with Session(engine) as session:
        ledger = session.scalar(select(func.count()).select_from(LedgerEntry))
        pickups = session.scalar(select(func.count()).select_from(Booking))
        print(f"database: {engine.url.render_as_string()}  ledger rows: {ledger:,}  pickups: {pickups:,}")
        print(f"{'page':<28}{'median s':>10}{'max s':>9}{'ratio to 1 s':>14}")
        worst = 0.0
        for page, calls in pages(local_now().date()).items():
            timings = []
            for _ in range(RUNS):
                started = time.perf_counter()
                for name, args in calls:
                    getattr(queries, name)(session, *args)
                timings.append(time.perf_counter() - started)
                session.rollback()
            median = statistics.median(timings)
            worst = max(worst, median)
            print(f"{page:<28}{median:>10.3f}{max(timings):>9.3f}{median / TARGET_SECONDS:>14.2f}")
        print(f"slowest page median {worst:.3f} s: {'within' if worst < TARGET_SECONDS else 'OVER'} the 1 s target")


if __name__ == "__main__":
    main()
