"""Read-only look-ups of 入学一掌通: policies, addresses, schools near a point, catchments, points, seats."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from sqlalchemy import Row, or_, select
from sqlalchemy.orm import Session

from api.admission.geo import catchment_school_id, distance_m
from api.admission.models import Address, Level, Policy, School
from api.admission.registries import Registries
from api.auth.models import Citizen
from api.common import reference
from api.common.pagination import decode_cursor, encode_cursor
from api.errors import NotFound

NOT_IN_CATCHMENT_HINT = "该位置不在椒江区任何学区内,请核对地址,或咨询区教育局招生办(0576-88xxxxxx)"


def policies(session: Session, *, year: int | None, level: str | None, q: str | None) -> list[Policy]:
    stmt = select(Policy).order_by(Policy.year.desc(), Policy.published_on.desc(), Policy.id)
    if year:
        stmt = stmt.where(Policy.year == year)
    if level:
        stmt = stmt.where(Policy.level.in_([level, "all"]))
    if q:
        stmt = stmt.where(or_(Policy.title.contains(q), Policy.body.contains(q)))
    return list(session.scalars(stmt))


def policy(session: Session, policy_id: int) -> Policy:
    found = session.get(Policy, policy_id)
    if found is None:
        raise NotFound("未找到该政策 (policy not found)")
    return found


def addresses(session: Session, q: str, limit: int = 20) -> list[Address]:
    return list(
        session.scalars(
            select(Address).where(or_(Address.name.contains(q), Address.community.contains(q))).order_by(Address.name).limit(limit)
        )
    )


def address_district(session: Session, address_id: int) -> dict:
    """The catchment schools of an address found by GET /admission/addresses."""
    address = session.get(Address, address_id)
    if address is None:
        raise NotFound("未找到该地址 (address not found)")
    return district(session, lat=address.lat, lon=address.lon)


@dataclass(frozen=True)
class Catalogue:
    """Every school as the look-ups show it (no catchment geometry), in id order and by id."""

    schools: tuple[Row, ...]
    by_id: Mapping[int, Row]


CATALOGUE_COLUMNS = (School.id, School.name, School.level, School.ownership, School.address, School.lat, School.lon)


def _load_catalogue(session: Session) -> Catalogue:
    rows = tuple(session.execute(select(*CATALOGUE_COLUMNS).order_by(School.id)).all())
    return Catalogue(rows, MappingProxyType({row.id: row for row in rows}))


def catalogue(session: Session) -> Catalogue:
    """The schools, held in the process and reloaded when ``adm_schools`` changes (api/common/reference.py)."""
    return reference.cached(session, "school_catalogue", ("adm_schools",), _load_catalogue)


def district(session: Session, *, lat: float, lon: float) -> dict:
    # The catchment index and the schools are both in memory: no round trip once they are loaded.
    by_id = catalogue(session).by_id
    ids = [catchment_school_id(session, level, lat, lon) for level in (Level.PRIMARY, Level.JUNIOR)]
    primary, junior = (by_id.get(school_id) if school_id is not None else None for school_id in ids)
    hint = None if primary or junior else NOT_IN_CATCHMENT_HINT
    return {"lat": lat, "lon": lon, "primary": primary, "junior": junior, "hint": hint}


@dataclass(frozen=True)
class SchoolNear:
    """A school with its distance from the point searched near (``SchoolOut`` reads both)."""

    school: Row
    distance_m: int

    def __getattr__(self, name: str) -> Any:
        return getattr(self.school, name)


def schools(
    session: Session,
    *,
    level: str | None,
    near: tuple[float, float] | None,
    radius_m: float | None,
    q: str | None,
    limit: int,
    cursor: str | None,
) -> dict:
    """Schools by level and name; with ``near``, each with ``distance_m`` and nearest first."""
    wanted_level = Level(level) if level else None
    matching = [s for s in catalogue(session).schools if (wanted_level is None or s.level == wanted_level) and (not q or q in s.name)]
    rows: list[Row] | list[SchoolNear] = matching
    if near is not None:
        nearby = [SchoolNear(s, round(distance_m(near[0], near[1], s.lat, s.lon))) for s in matching]
        rows = sorted((s for s in nearby if radius_m is None or s.distance_m <= radius_m), key=lambda s: (s.distance_m, s.school.id))
    offset = decode_cursor(cursor) if cursor else 0  # the one cursor codec: here it counts rows, not ids
    page = rows[offset : offset + limit]
    more = offset + limit < len(rows)
    return {"items": page, "next_cursor": encode_cursor(offset + limit) if more else None}


def school(session: Session, school_id: int) -> School:
    found = session.get(School, school_id)
    if found is None:
        raise NotFound("未找到该学校 (school not found)")
    return found


def my_points(registries: Registries, citizen: Citizen) -> dict:
    record = registries.city_points.points(citizen.id_number_hash)
    months = registries.social_insurance.months(citizen.id_number_hash)
    if record is None:
        return {"total": 0, "breakdown": {}, "social_insurance_months": months, "found": False}
    return {"total": record.total, "breakdown": record.breakdown, "social_insurance_months": months, "found": True}


def property_seats(registries: Registries, citizen: Citizen, property_no: str) -> dict:
    record = registries.property.property(property_no)
    if record is None or record.owner_hash != citizen.id_number_hash:
        raise NotFound("未找到您名下的该房产 (property not found)")
    uses = registries.property.seat_uses(property_no)
    return {
        "property_no": property_no,
        "address": record.address.name,
        "uses": [{"level": u.level.value, "school": u.school_name, "year": u.year, "locked_until_year": u.locked_until_year} for u in uses],
    }
