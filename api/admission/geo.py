"""Catchment geometry: which school's 学区 holds a point (a shapely STRtree per process), distances."""

from __future__ import annotations

import math
from dataclasses import dataclass

from shapely import STRtree
from shapely.geometry import Point, shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.admission.models import Level, School
from api.common import reference

EARTH_RADIUS_M = 6_371_008.8


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class _Index:
    trees: dict[Level, tuple[STRtree, list[int]]]


def _build(session: Session) -> _Index:
    trees = {}
    for level in Level:
        rows = session.execute(
            select(School.id, School.catchment).where(School.level == level, School.catchment.is_not(None)).order_by(School.id)
        ).all()
        trees[level] = (STRtree([shape(row.catchment) for row in rows]), [row.id for row in rows])
    return _Index(trees)


def _current_index(session: Session) -> _Index:
    """The STRtree index, rebuilt only when a school changed (api/common/reference.py: within a second elsewhere)."""
    return reference.cached(session, "catchment_index", ("adm_schools",), _build)


def catchment_school_id(session: Session, level: Level, lat: float, lon: float) -> int | None:
    tree, ids = _current_index(session).trees[level]
    if not ids:
        return None
    hits = tree.query(Point(lon, lat), predicate="covered_by")
    return ids[int(min(hits))] if len(hits) else None


def catchment_school(session: Session, level: Level, lat: float, lon: float) -> School | None:
    school_id = catchment_school_id(session, level, lat, lon)
    return session.get(School, school_id) if school_id is not None else None
