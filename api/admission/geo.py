"""Catchment geometry: which school's 学区 holds a point (a shapely STRtree per process), distances."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from shapely import STRtree
from shapely.geometry import Point, shape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.admission.models import Level, School

EARTH_RADIUS_M = 6_371_008.8


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class _Index:
    version: tuple
    trees: dict[Level, tuple[STRtree, list[int]]]


# Another process's catchment import is noticed within this many seconds; this process's own writes
# call invalidate() and are seen at once.
RECHECK_SECONDS = 1.0
_lock = threading.Lock()
_index: _Index | None = None
_checked_at = 0.0


def invalidate() -> None:
    """Forget the index (after catchments change in this process)."""
    global _index
    with _lock:
        _index = None


def _version(session: Session) -> tuple:
    count, latest = session.execute(select(func.count(School.catchment_updated_at), func.max(School.catchment_updated_at))).one()
    return (session.get_bind().engine.url.render_as_string(), count, latest)


def _build(session: Session, version: tuple) -> _Index:
    trees = {}
    for level in Level:
        rows = session.execute(
            select(School.id, School.catchment).where(School.level == level, School.catchment.is_not(None)).order_by(School.id)
        ).all()
        trees[level] = (STRtree([shape(row.catchment) for row in rows]), [row.id for row in rows])
    return _Index(version, trees)


def _current_index(session: Session) -> _Index:
    """The STRtree index, rebuilt only when the catchments changed (count or last update)."""
    global _index, _checked_at
    index = _index
    url = session.get_bind().engine.url.render_as_string()
    if index is not None and index.version[0] == url and time.monotonic() - _checked_at < RECHECK_SECONDS:
        return index
    version = _version(session)
    with _lock:
        if _index is None or _index.version != version:
            _index = _build(session, version)
        _checked_at = time.monotonic()
        return _index


def catchment_school_id(session: Session, level: Level, lat: float, lon: float) -> int | None:
    tree, ids = _current_index(session).trees[level]
    if not ids:
        return None
    hits = tree.query(Point(lon, lat), predicate="covered_by")
    return ids[int(min(hits))] if len(hits) else None


def catchment_school(session: Session, level: Level, lat: float, lon: float) -> School | None:
    school_id = catchment_school_id(session, level, lat, lon)
    return session.get(School, school_id) if school_id is not None else None
