"""Benchmark: district (catchment) lookup cost with 50 vs 5,000 catchments.

Usage: .venv/bin/python bench/district_scaling.py
Builds each set of catchments (a jittered grid, no gaps or overlaps) in a temporary SQLite database,
then times 20,000 point lookups through api.admission.geo (STRtree built once, reused).
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flask_migrate
from shapely.geometry import mapping
from sqlalchemy import insert

from api import create_app
from api.admission.geo import catchment_school_id
from api.admission.models import Level, School
from api.common import reference
from api.common.db import utcnow
from api.extensions import db
from api.seed.admission import EAST, NORTH, SOUTH, WEST, catchment_polygons

LOOKUPS = 20_000


def measure(count: int, folder: str) -> tuple[float, float]:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/scale{count}.db")
    with app.app_context():
        flask_migrate.upgrade()
        side = int(count**0.5)
        cells = catchment_polygons(random.Random(count), side, count // side, sub=1)
        db.session.execute(
            insert(School),
            [
                {
                    "name": f"s{i}",
                    "level": Level.PRIMARY,
                    "ownership": "public",
                    "address": "",
                    "lat": c.centroid.y,
                    "lon": c.centroid.x,
                    "catchment": mapping(c),
                    "catchment_updated_at": utcnow(),
                }
                for i, c in enumerate(cells)
            ],
        )
        db.session.commit()
        reference.invalidate()
        rng = random.Random(1)
        points = [(rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)) for _ in range(LOOKUPS)]
        started = time.perf_counter()
        catchment_school_id(db.session, Level.PRIMARY, *points[0])  # builds the STRtree
        build = time.perf_counter() - started
        started = time.perf_counter()
        found = sum(catchment_school_id(db.session, Level.PRIMARY, lat, lon) is not None for lat, lon in points)
        per_lookup = (time.perf_counter() - started) / LOOKUPS
        assert found == LOOKUPS, "every point of the district lies in one catchment"
        return build, per_lookup


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        results = {n: measure(n, folder) for n in (50, 5000)}
    print(f"{'catchments':>10}{'index build ms':>16}{'per lookup µs':>16}")
    for n, (build, per) in results.items():
        print(f"{n:>10}{build * 1000:>16.1f}{per * 1e6:>16.1f}")
    ratio = results[5000][1] / results[50][1]
    print(f"100x the catchments costs {ratio:.2f}x per lookup (a loop over all polygons would cost ~100x)")


if __name__ == "__main__":
    main()
