"""Factories for 入学一掌通 tests: the 椒江 demo world without synthetic applications, families, schools, request bodies."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

from flask import current_app
from sqlalchemy import select

from api.admission.calendar import admission_year
from api.admission.models import (
    Address,
    Application,
    ApplicationEvent,
    ApplicationStatus,
    GuardianRecord,
    Level,
    PropertyRecord,
    School,
    SeatPlan,
)
from api.auth.models import Citizen
from api.auth.service import sign_in_citizen
from api.common.db import unit_of_work
from api.common.pii import hash_id_number, mask_id_number
from api.extensions import db
from api.seed.admission import seed_admission
from api.seed.residents import JIAOJIANG, make_id_number, resident
from tests.factories import citizen_headers

_numbers = count(1)


def admission_world() -> None:
    seed_admission(db.session, current_app.config["PII_HASH_KEY"], with_applications=False)


def year() -> int:
    return admission_year(configured=current_app.config["ADMISSION_YEAR"])


def application_body(key: str, *, level: str = "primary", school_id: int | None = None, property_no: str | None = "own") -> dict:
    person = resident(key)
    child = person["children"][0]
    if property_no == "own":
        property_no = person["property_nos"][0] if person["property_nos"] else None
    return {
        "level": level,
        "child": {"name": child["name"], "id_number": child["id_number"]},
        "property_no": property_no,
        "school_id": school_id,
    }


def school_named(name: str) -> School:
    return db.session.scalar(select(School).where(School.name == name))


def set_planned(school_id: int, year: int, planned: int) -> None:
    with unit_of_work(db.session):
        plan = db.session.scalar(select(SeatPlan).where(SeatPlan.school_id == school_id, SeatPlan.year == year))
        if plan is None:
            db.session.add(SeatPlan(school_id=school_id, year=year, planned=planned))
        else:
            plan.planned = planned


def property_outside_every_catchment(key: str) -> str:
    """Give a resident a property at an address beyond the district (at sea)."""
    with unit_of_work(db.session):
        address = Address(name="大陈岛外海测试点", community="测试", lat=28.30, lon=122.10)
        db.session.add(address)
        db.session.flush()
        db.session.add(
            PropertyRecord(
                property_no="JJ-FC-TEST-OUTSIDE",
                address_id=address.id,
                owner_hash=hash_id_number(resident(key)["id_number"], current_app.config["PII_HASH_KEY"]),
                registered_on=date(2020, 1, 1),
            )
        )
    return "JJ-FC-TEST-OUTSIDE"


# ---- factories of their own, for allocation, offers and reviews ----


def make_school(name: str | None = None, *, level: Level = Level.PRIMARY, planned: int | None = 10, plan_year: int | None = None) -> School:
    """A school without a catchment; with a seat plan of ``planned`` for the admission year unless ``planned`` is None."""
    with unit_of_work(db.session):
        school = School(name=name or f"测试学校{next(_numbers)}", level=level, lat=28.68, lon=121.43)
        db.session.add(school)
        db.session.flush()
        if planned is not None:
            db.session.add(SeatPlan(school_id=school.id, year=plan_year or year(), planned=planned))
    return school


def make_guardian(n: int | None = None, *, phone: str | None = None) -> dict:
    """A guardian's 浙里办 identity (signed in once, so the citizen exists)."""
    n = n if n is not None else next(_numbers)
    identity = {"id_number": make_id_number(JIAOJIANG, date(1985, 1, 1) + timedelta(days=n), 300 + n % 600), "name": f"家长{n}"}
    identity["phone"] = phone or f"137{n:08d}"
    sign_in_citizen(db.session, identity, current_app.config["PII_HASH_KEY"])
    return identity


def guardian_headers(client, identity: dict) -> dict:
    return citizen_headers(client, **identity)


def make_application(
    school: School,
    guardian: dict | None = None,
    *,
    category: str = "A",
    points: int | None = None,
    property_no: str | None = None,
    status: ApplicationStatus = ApplicationStatus.SUBMITTED,
    second_guardian: dict | None = None,
) -> Application:
    """A submitted application for a new child whose guardian(s) the 公安 registry records."""
    key = current_app.config["PII_HASH_KEY"]
    guardian = guardian or make_guardian()
    n = next(_numbers)
    child_id = make_id_number(JIAOJIANG, date(year() - 6, 1, 1) + timedelta(days=n % 200), 100 + n % 800)
    child_hash = hash_id_number(child_id, key)
    with unit_of_work(db.session):
        citizen_id = db.session.scalar(select_citizen_id(hash_id_number(guardian["id_number"], key)))
        for person in filter(None, [guardian, second_guardian]):
            db.session.add(GuardianRecord(child_hash=child_hash, guardian_hash=hash_id_number(person["id_number"], key), relation="监护人"))
        application = Application(
            citizen_id=citizen_id,
            child_hash=child_hash,
            child_name=f"孩子{n}",
            child_id_masked=mask_id_number(child_id),
            child_birth_date=date(year() - 6, 1, 1),
            level=school.level,
            year=year(),
            school_id=school.id,
            property_no=property_no,
            category=category,
            points=points if category == "C" else None,
            status=status,
            active_key=f"{child_hash}:{school.level}:{year()}",
        )
        application.history = [ApplicationEvent(status=status, step="submitted", actor="test", note="网上报名已提交")]
        db.session.add(application)
    return application


def select_citizen_id(id_number_hash: str):
    return select(Citizen.id).where(Citizen.id_number_hash == id_number_hash)


def make_property(owner: dict, property_no: str | None = None) -> str:
    """A property in the 房产 registry owned by ``owner``."""
    property_no = property_no or f"JJ-FC-T-{next(_numbers):05d}"
    with unit_of_work(db.session):
        address = Address(name=f"测试地址{property_no}", community="测试", lat=28.68, lon=121.43)
        db.session.add(address)
        db.session.flush()
        owner_hash = hash_id_number(owner["id_number"], current_app.config["PII_HASH_KEY"])
        registered = date(2020, 1, 1)
        db.session.add(PropertyRecord(property_no=property_no, owner_hash=owner_hash, address_id=address.id, registered_on=registered))
    return property_no
