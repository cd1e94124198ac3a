"""Vessels and their owners: binding against 渔船登记, a dispatcher's registered vessel, credit-earning reports, deductions."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth.models import Citizen
from api.common.db import unit_of_work
from api.errors import Conflict, NotFound
from api.pickup import credit
from api.pickup.models import Booking, CreditKind, Port, Vessel
from api.pickup.registry import VesselNotRegistered, normalize_vessel_no, registered_owner_check, registration


class VesselOwned(Conflict):
    code, message = "vessel_owned", "该船舶已绑定其他船东 (vessel already bound to another owner)"


def port_or_404(session: Session, port_id: int) -> Port:
    port = session.get(Port, port_id)
    if port is None:
        raise NotFound("未找到该港口 (port not found)")
    return port


def register_vessel(session: Session, citizen_id: int, *, vessel_no: str, name: str = "", home_port_id: int | None = None) -> Vessel:
    """Bind a vessel the 渔船登记 registry names me the owner of (one vessel, one owner)."""
    vessel_no = normalize_vessel_no(vessel_no)
    if home_port_id is not None:
        port_or_404(session, home_port_id)
    citizen = session.get(Citizen, citizen_id)
    if citizen is None:  # signed in, then deleted
        raise NotFound("未找到该居民 (citizen not found)")
    record = registered_owner_check(session, vessel_no, citizen)
    try:
        with unit_of_work(session):
            vessel = session.scalar(select(Vessel).where(Vessel.vessel_no == vessel_no).with_for_update())
            if vessel is None:
                vessel = Vessel(vessel_no=vessel_no, name=name or record.vessel_name, home_port_id=home_port_id, owner_id=citizen_id)
                session.add(vessel)
            elif vessel.owner_id not in (None, citizen_id):
                raise VesselOwned()
            vessel.owner_id = citizen_id
            vessel.name = name or vessel.name
            vessel.home_port_id = home_port_id or vessel.home_port_id
            session.flush()
            # Phone bookings made before the captain used the app become theirs.
            session.execute(update(Booking).where(Booking.vessel_id == vessel.id, Booking.booked_by.is_(None)).values(booked_by=citizen_id))
    except IntegrityError as exc:  # bound by someone else at the same moment
        raise VesselOwned() from exc
    return vessel


def my_vessels(session: Session, citizen_id: int) -> list[Vessel]:
    return list(session.scalars(select(Vessel).where(Vessel.owner_id == citizen_id).order_by(Vessel.id)))


def owned_vessel(session: Session, citizen_id: int, vessel_id: int | None = None, *, vessel_no: str | None = None, lock=False) -> Vessel:
    """One of my vessels, by id or number; another's answers 404 as if it did not exist."""
    stmt = select(Vessel).where(Vessel.owner_id == citizen_id)
    stmt = stmt.where(Vessel.id == vessel_id) if vessel_id is not None else stmt.where(Vessel.vessel_no == vessel_no)
    vessel = session.scalar(stmt.with_for_update() if lock else stmt)
    if vessel is None:
        raise NotFound("未找到该船舶 (vessel not found)")
    return vessel


def registered_vessel(session: Session, vessel_id: int | None, vessel_no: str | None) -> Vessel:
    """Any registered vessel, for a dispatcher; a registry vessel not yet in the app gets its row now."""
    if vessel_id is not None:
        vessel = session.get(Vessel, vessel_id)
        if vessel is None:
            raise NotFound("未找到该船舶 (vessel not found)")
        return vessel
    vessel_no = normalize_vessel_no(vessel_no or "")
    vessel = session.scalar(select(Vessel).where(Vessel.vessel_no == vessel_no))
    if vessel is not None:
        return vessel
    record = registration(session, vessel_no)
    if record is None:
        raise VesselNotRegistered(details={"vessel_no": [VesselNotRegistered.message]})
    try:
        with session.begin_nested():
            vessel = Vessel(vessel_no=vessel_no, name=record.vessel_name)
            session.add(vessel)
    except IntegrityError:  # created by a concurrent booking
        vessel = session.scalars(select(Vessel).where(Vessel.vessel_no == vessel_no)).one()
    return vessel


def report_port(session: Session, citizen_id: int, vessel_id: int, *, direction: str, port_id: int) -> Vessel:
    port = port_or_404(session, port_id)
    with unit_of_work(session):
        vessel = owned_vessel(session, citizen_id, vessel_id, lock=True)
        credit.record(
            session,
            vessel,
            CreditKind.PORT_REPORT,
            f"{'进港' if direction == 'in' else '出港'}报告 {port.name}",
            port_id=port.id,
            detail={"direction": direction},
        )
    return vessel


def record_safety_check(session: Session, citizen_id: int, vessel_id: int, *, items: dict) -> Vessel:
    with unit_of_work(session):
        vessel = owned_vessel(session, citizen_id, vessel_id, lock=True)
        failed = sorted(k for k, ok in items.items() if not ok)
        reason = "安全自查:全部合格" if not failed else f"安全自查:{len(failed)} 项待整改"
        credit.record(session, vessel, CreditKind.SAFETY_CHECK, reason, detail=items)
    return vessel


def deduct(session: Session, staff_id: int, vessel_id: int, *, points: int, reason: str) -> Vessel:
    with unit_of_work(session):
        vessel = session.scalar(select(Vessel).where(Vessel.id == vessel_id).with_for_update())
        if vessel is None:
            raise NotFound("未找到该船舶 (vessel not found)")
        credit.record(session, vessel, CreditKind.DEDUCTION, reason, points=-points, recorded_by=staff_id)
    return vessel
