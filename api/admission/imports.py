"""Officials' imports: schools, catchments (GeoJSON), policies and each registry, from CSV files.

A file is imported whole or not at all: any bad row stops the import with its line number.
ID numbers are validated and stored only as keyed hashes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date

from shapely.geometry import shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.admission.models import (
    Address,
    CityPointsRecord,
    GuardianRecord,
    HouseholdRecord,
    Level,
    Policy,
    PropertyRecord,
    School,
    SeatPlan,
    SocialInsuranceRecord,
    StudentRecord,
)
from api.common import reference
from api.common.db import unit_of_work, utcnow
from api.common.pii import InvalidIdNumber, hash_id_number


class RowRejected(ValueError):
    """A row that cannot be imported; the message names the line."""


def _upsert(session: Session, model, where: dict, values: dict) -> None:
    row = session.scalar(select(model).filter_by(**where)) or model(**where)
    for key, value in values.items():
        setattr(row, key, value)
    session.add(row)


def _address(session: Session, name: str) -> Address:
    address = session.scalar(select(Address).where(Address.name == name))
    if address is None:
        raise ValueError(f"地址不在地址库中: {name}")
    return address


def _school(session: Session, row: dict, key: str) -> None:
    _upsert(
        session,
        School,
        {"name": row["name"]},
        {
            "level": Level(row["level"]),
            "ownership": row.get("ownership") or "public",
            "address": row.get("address", ""),
            "lat": float(row["lat"]),
            "lon": float(row["lon"]),
        },
    )


def _policy(session: Session, row: dict, key: str) -> None:
    _upsert(
        session,
        Policy,
        {"year": int(row["year"]), "title": row["title"]},
        {"level": row["level"], "body": row["body"], "published_on": date.fromisoformat(row["published_on"])},
    )


def _household(session: Session, row: dict, key: str) -> None:
    address = _address(session, row["address"]) if row.get("address") else None
    _upsert(
        session,
        HouseholdRecord,
        {"person_hash": hash_id_number(row["id_number"], key)},
        {"region_code": row["region_code"], "property_no": row.get("property_no") or None, "address_id": address.id if address else None},
    )


def _guardian(session: Session, row: dict, key: str) -> None:
    child, guardian = hash_id_number(row["child_id_number"], key), hash_id_number(row["guardian_id_number"], key)
    if child == guardian:
        raise ValueError("孩子与监护人不能是同一人")
    _upsert(session, GuardianRecord, {"child_hash": child, "guardian_hash": guardian}, {"relation": row.get("relation", "")[:10]})


def _seat_plan(session: Session, row: dict, key: str) -> None:
    school = session.scalar(select(School).where(School.name == row["school"]))
    if school is None:
        raise ValueError(f"未知学校: {row['school']}")
    if school.level != Level(row["level"]):
        raise ValueError(f"{school.name}不是{row['level']}学校")
    planned = int(row["planned"])
    if not 0 <= planned <= 10_000:
        raise ValueError(f"计划学位须在 0 到 10000 之间: {planned}")
    _upsert(session, SeatPlan, {"school_id": school.id, "year": int(row["year"])}, {"planned": planned})


def _property(session: Session, row: dict, key: str) -> None:
    _upsert(
        session,
        PropertyRecord,
        {"property_no": row["property_no"]},
        {
            "owner_hash": hash_id_number(row["owner_id_number"], key),
            "address_id": _address(session, row["address"]).id,
            "registered_on": date.fromisoformat(row["registered_on"]),
        },
    )


def _social_insurance(session: Session, row: dict, key: str) -> None:
    _upsert(session, SocialInsuranceRecord, {"person_hash": hash_id_number(row["id_number"], key)}, {"months": int(row["months"])})


def _city_points(session: Session, row: dict, key: str) -> None:
    breakdown = json.loads(row.get("breakdown") or "{}")
    _upsert(
        session,
        CityPointsRecord,
        {"person_hash": hash_id_number(row["id_number"], key)},
        {"total": int(row["total"]), "breakdown": breakdown},
    )


def _student(session: Session, row: dict, key: str) -> None:
    _upsert(
        session,
        StudentRecord,
        {"person_hash": hash_id_number(row["id_number"], key), "level": Level(row["level"])},
        {"school_name": row["school_name"], "graduation_year": int(row["graduation_year"])},
    )


CSV_KINDS: dict[str, tuple[list[str], Callable]] = {
    "schools": (["name", "level", "lat", "lon"], _school),
    "policies": (["year", "level", "title", "body", "published_on"], _policy),
    "households": (["id_number", "region_code"], _household),
    "guardians": (["child_id_number", "guardian_id_number"], _guardian),
    "seat-plans": (["school", "level", "year", "planned"], _seat_plan),
    "properties": (["property_no", "owner_id_number", "address", "registered_on"], _property),
    "social-insurance": (["id_number", "months"], _social_insurance),
    "city-points": (["id_number", "total"], _city_points),
    "students": (["id_number", "level", "school_name", "graduation_year"], _student),
}


def import_csv(session: Session, kind: str, text: str, pii_key: str) -> int:
    required, load_row = CSV_KINDS[kind]
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise RowRejected(f"缺少列: {', '.join(missing)} (missing columns)")
    count = 0
    with unit_of_work(session):
        for line, row in enumerate(reader, start=2):
            try:
                load_row(session, {k: (v or "").strip() for k, v in row.items() if k}, pii_key)
                session.flush()
            except (ValueError, KeyError, InvalidIdNumber, json.JSONDecodeError) as exc:
                raise RowRejected(f"第 {line} 行: {exc}") from exc
            count += 1
    return count


def import_catchments(session: Session, text: str) -> int:
    """A GeoJSON FeatureCollection whose features carry ``properties.school`` (the school's name)."""
    try:
        features = json.loads(text)["features"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise RowRejected("不是 GeoJSON FeatureCollection (not a FeatureCollection)") from exc
    with unit_of_work(session):
        for number, feature in enumerate(features, start=1):
            name = (feature.get("properties") or {}).get("school")
            school = session.scalar(select(School).where(School.name == name))
            if school is None:
                raise RowRejected(f"第 {number} 个要素: 未知学校 {name!r}")
            geometry = shape(feature.get("geometry") or {})
            if geometry.geom_type not in ("Polygon", "MultiPolygon") or not geometry.is_valid:
                raise RowRejected(f"第 {number} 个要素: 学区必须是有效的多边形 (invalid polygon)")
            school.catchment, school.catchment_updated_at = feature["geometry"], utcnow()
    reference.invalidate()
    return len(features)
