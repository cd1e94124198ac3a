"""Factories for 我的 tests: rows of each service written straight into the tables, at the times a test names."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import count

from sqlalchemy import select

from api.admission.models import Application, ApplicationEvent, ApplicationStatus, GuardianRecord, Level, School
from api.auth.models import Citizen
from api.common.db import unit_of_work
from api.extensions import db
from api.greencoins.models import Donation, Project, Redemption, RedemptionStatus, Reward, Station
from api.notify.service import enqueue
from api.pickup.models import (
    Booking,
    BookingItem,
    BookingStatus,
    CreditColor,
    CreditColorChange,
    CreditEntry,
    CreditKind,
    PickupSlot,
    PollutantType,
    Port,
    Vessel,
)
from api.seed.residents import make_id_number
from tests.factories import citizen_headers

T0 = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)  # a fixed past instant: the tests are about order, not about today
_serial = count(1)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def signed_in_citizen(client, *, name: str = "王建国") -> tuple[dict, int]:
    """A new citizen each call (own ID number and phone), signed in through the mock 浙里办."""
    n = next(_serial)
    headers = citizen_headers(client, id_number=make_id_number("331002", date(1988, 4, 12), n), name=name, phone=f"138{n:08d}")
    return headers, client.get("/api/v1/auth/me", headers=headers).json["id"]


def new_vessel_no() -> str:
    return f"浙椒渔{10000 + next(_serial)}"


def _school() -> School:
    school = db.session.scalar(select(School).where(School.name == "测试实验小学"))
    if school is None:
        school = School(name="测试实验小学", level=Level.PRIMARY, address="测试路 1 号", lat=28.68, lon=121.44)
        db.session.add(school)
        db.session.flush()
    return school


def application_with_steps(citizen_id: int, steps: list[tuple[str, int, str | None]], *, child_name: str = "王梓涵") -> int:
    """An application whose history is ``steps`` = [(status, minutes after T0, note)]."""
    with unit_of_work(db.session):
        n = next(_serial)
        application = Application(
            citizen_id=citizen_id,
            child_hash=f"child-{n}",
            child_name=child_name,
            child_id_masked="331002********1234",
            child_birth_date=date(2020, 3, 1),
            level=Level.PRIMARY,
            year=2026,
            school_id=_school().id,
            category="A",
            status=ApplicationStatus(steps[-1][0]),
            submitted_at=at(steps[0][1]),
        )
        db.session.add(application)
        guardian = db.session.get(Citizen, citizen_id)
        db.session.add(GuardianRecord(child_hash=application.child_hash, guardian_hash=guardian.id_number_hash, relation="父亲"))
        db.session.flush()
        for status, minutes, note in steps:
            db.session.add(
                ApplicationEvent(application_id=application.id, status=ApplicationStatus(status), note=note, actor="test", at=at(minutes))
            )
    return application.id


def _port() -> Port:
    port = db.session.scalar(select(Port).where(Port.name == "测试渔港"))
    if port is None:
        port = Port(name="测试渔港", lat=28.68, lon=121.45, windows=["08:00-10:00"])
        db.session.add(port)
        if db.session.get(PollutantType, "oily_water") is None:
            db.session.add(PollutantType(code="oily_water", name="含油污水"))
        db.session.flush()
    return port


def vessel_of(citizen_id: int, vessel_no: str | None = None) -> int:
    with unit_of_work(db.session):
        vessel = Vessel(vessel_no=vessel_no or new_vessel_no(), owner_id=citizen_id, credit_score=70, credit_color=CreditColor.YELLOW)
        db.session.add(vessel)
        db.session.flush()
    return vessel.id


def booking_on(vessel_id: int, minutes: int, *, status: str = "confirmed", jin: int = 150) -> int:
    with unit_of_work(db.session):
        port = _port()
        start = at(minutes) + timedelta(days=1, hours=next(_serial))
        slot = PickupSlot(port_id=port.id, start=start, end=start + timedelta(hours=1), capacity=3)
        db.session.add(slot)
        db.session.flush()
        booking = Booking(
            vessel_id=vessel_id,
            port_id=port.id,
            slot_id=slot.id,
            slot_start=slot.start,
            slot_end=slot.end,
            status=BookingStatus(status),
            created_at=at(minutes),
        )
        booking.items = [BookingItem(pollutant_code="oily_water", est_qty_kg=Decimal(jin) / 2, est_qty=Decimal(jin), unit="jin")]
        db.session.add(booking)
        db.session.flush()
    return booking.id


def credit_entry(vessel_id: int, minutes: int, *, points: int = 5, kind: str = "pickup", reason: str = "交纳含油污水") -> int:
    with unit_of_work(db.session):
        entry = CreditEntry(vessel_id=vessel_id, kind=CreditKind(kind), points=points, reason=reason, created_at=at(minutes))
        db.session.add(entry)
        db.session.flush()
    return entry.id


def colour_change(vessel_id: int, minutes: int, old: str = "yellow", new: str = "green", score: int = 80) -> int:
    with unit_of_work(db.session):
        change = CreditColorChange(
            vessel_id=vessel_id, old_color=CreditColor(old), new_color=CreditColor(new), score=score, changed_at=at(minutes)
        )
        db.session.add(change)
        db.session.flush()
    return change.id


def redemption_by(citizen_id: int, minutes: int, *, status: str = "reserved", code: str = "123456") -> int:
    with unit_of_work(db.session):
        reward = db.session.scalar(select(Reward).where(Reward.name == "测试毛巾"))
        if reward is None:
            reward = Reward(name="测试毛巾", price_coins=50)
            db.session.add(reward)
        station = db.session.scalar(select(Station).where(Station.name == "测试兑换站"))
        if station is None:
            station = Station(name="测试兑换站", community="测试社区", address="测试路 2 号", lat=28.8, lon=120.7)
            db.session.add(station)
        db.session.flush()
        redemption = Redemption(
            citizen_id=citizen_id,
            reward_id=reward.id,
            station_id=station.id,
            quantity=1,
            coins_spent=50,
            code=code,
            status=RedemptionStatus(status),
            expires_at=at(minutes) + timedelta(days=7),
            created_at=at(minutes),
        )
        db.session.add(redemption)
        db.session.flush()
    return redemption.id


def sms_to(citizen_id: int, text: str = "你好") -> int:
    phone = db.session.get(Citizen, citizen_id).phone
    with unit_of_work(db.session):
        message = enqueue(db.session, phone, "test_message", {"text": text}, citizen_id=citizen_id)
    return message.id


def donation_by(citizen_id: int, minutes: int, *, coins: int = 20) -> int:
    with unit_of_work(db.session):
        project = db.session.scalar(select(Project).where(Project.title == "测试净滩日"))
        if project is None:
            project = Project(title="测试净滩日", place="大陈岛", goal_coins=1000)
            db.session.add(project)
            db.session.flush()
        certificate = f"GY-TEST-{next(_serial)}"
        donation = Donation(project_id=project.id, citizen_id=citizen_id, coins=coins, certificate_no=certificate, created_at=at(minutes))
        db.session.add(donation)
        db.session.flush()
    return donation.id
