"""Factories for 入学一掌通 tests: the 椒江 demo world without synthetic applications, request bodies."""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select

from api.admission.models import Address, PropertyRecord, School, SeatPlan
from api.common.db import unit_of_work
from api.common.pii import hash_id_number
from api.extensions import db
from api.seed.admission import seed_admission
from api.seed.residents import resident


def admission_world() -> None:
    seed_admission(db.session, current_app.config["PII_HASH_KEY"], with_applications=False)


def application_body(key: str, *, level: str = "primary", school_id: int | None = None,
                     property_no: str | None = "own") -> dict:
    person = resident(key)
    child = person["children"][0]
    if property_no == "own":
        property_no = person["property_nos"][0] if person["property_nos"] else None
    return {"level": level, "child": {"name": child["name"], "id_number": child["id_number"],
                                      "birth_date": child["birth_date"].isoformat()},
            "property_no": property_no, "school_id": school_id}


def school_named(name: str) -> School:
    return db.session.scalar(select(School).where(School.name == name))


def set_planned(school_id: int, year: int, planned: int) -> None:
    with unit_of_work(db.session):
        db.session.scalar(select(SeatPlan).where(SeatPlan.school_id == school_id, SeatPlan.year == year)).planned = planned


def property_outside_every_catchment(key: str) -> str:
    """Give a resident a property at an address beyond the district (at sea)."""
    with unit_of_work(db.session):
        address = Address(name="大陈岛外海测试点", community="测试", lat=28.30, lon=122.10)
        db.session.add(address)
        db.session.flush()
        db.session.add(PropertyRecord(property_no="JJ-FC-TEST-OUTSIDE", address_id=address.id,
                                      owner_hash=hash_id_number(resident(key)["id_number"],
                                                                current_app.config["PII_HASH_KEY"]),
                                      registered_on=date(2020, 1, 1)))
    return "JJ-FC-TEST-OUTSIDE"
