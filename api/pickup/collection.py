"""The crew's side of 海洋云仓: the day's tasks at their port, collection with the 联单, no-shows."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from api.auth.models import StaffUser
from api.auth.service import record_access
from api.common.db import SHANGHAI, unit_of_work, utcnow
from api.common.pii import mask_name, mask_phone
from api.errors import Conflict, Forbidden
from api.labels import label
from api.notify.service import enqueue
from api.pickup import credit
from api.pickup.models import ACTIVE_BOOKING, Booking, BookingItem, BookingStatus, CreditColor, CreditKind, Vessel
from api.pickup.registry import contacts_for
from api.pickup.service import (
    Annotated,
    booking_for_update,
    check_pollutant_types,
    manifest_number,
    receipt_params,
    window_text,
    with_names,
)

# A weighed total above this many times the declared one (plus a margin) is flagged for officials.
UNDER_DECLARED_RATIO, UNDER_DECLARED_MARGIN_KG = Decimal("1.5"), Decimal(10)


class TooEarlyToComplete(Conflict):
    code = "too_early"
    message = "预约时段当天起才能确认接收 (a booking can be completed only from its window's day)"


def crew_port(session: Session, staff_id: int) -> int:
    port_id = session.scalar(select(StaffUser.port_id).where(StaffUser.id == staff_id))
    if port_id is None:
        raise Forbidden("该账号未分配港口 (collector has no port)")
    return port_id


def tasks(session: Session, staff_id: int, day: date, *, actor: str, ip: str | None = None) -> list[Annotated]:
    """My port's bookings on a day, green vessels first within a window (priority service), captains masked; audited."""
    port_id = crew_port(session, staff_id)
    start = datetime.combine(day, time(0), SHANGHAI)
    bookings = session.scalars(
        with_names(select(Booking))
        .join(Vessel, Vessel.id == Booking.vessel_id)
        .where(Booking.port_id == port_id, Booking.slot_start >= start, Booking.slot_start < start + timedelta(days=1))
        .order_by(Booking.slot_start, case((Vessel.credit_color == CreditColor.GREEN, 0), else_=1), Booking.id)
    ).all()
    contacts = contacts_for(session, [b.vessel for b in bookings])
    result = []
    for booking in bookings:
        contact = contacts.get(booking.vessel_id)
        masked = {"captain": mask_name(contact.name), "captain_phone": mask_phone(contact.phone)} if contact else {}
        result.append(Annotated(booking, **({"captain": "", "captain_phone": ""} | masked)))
    with unit_of_work(session):
        record_access(session, actor=actor, action="pickup.tasks.list", detail=f"date={day} count={len(result)}", ip=ip)
    return result


def _crew_booking(session: Session, staff_id: int, booking_id: int) -> Booking:
    booking = booking_for_update(session, booking_id)
    if booking.port_id != crew_port(session, staff_id):
        raise Forbidden("只能处理本港口的预约 (booking belongs to another port)")
    if booking.status not in ACTIVE_BOOKING:
        raise Conflict(f"该预约{label('booking_status', booking.status)} (booking is {booking.status})")
    return booking


def complete(session: Session, staff_id: int, booking_id: int, weighed: list[dict]) -> Booking:
    """The crew records weighed amounts, from the window's day on; a 联单 number is issued and the captain texted."""
    check_pollutant_types(session, {i["type"] for i in weighed})
    with unit_of_work(session):
        booking = _crew_booking(session, staff_id, booking_id)
        now = utcnow()
        if now.astimezone(SHANGHAI).date() < booking.slot_start.astimezone(SHANGHAI).date():
            raise TooEarlyToComplete()
        by_type = {item.pollutant_code: item for item in booking.items}
        for row in weighed:
            item = by_type.get(row["type"])
            if item is None:
                item = BookingItem(pollutant_code=row["type"], est_qty_kg=Decimal(0), unit=row.get("unit", "kg"))
                booking.items.append(item)
                by_type[row["type"]] = item
            item.qty_kg = (item.qty_kg or Decimal(0)) + row["qty_kg"]
        declared = sum((i.est_qty_kg for i in booking.items), Decimal(0))
        collected = sum((i.qty_kg or Decimal(0) for i in booking.items), Decimal(0))
        booking.under_declared = collected > declared * UNDER_DECLARED_RATIO + UNDER_DECLARED_MARGIN_KG
        booking.status, booking.collected_at, booking.collected_by = BookingStatus.COLLECTED, now, staff_id
        booking.manifest_no = manifest_number(booking.id, now)
        vessel = session.get_one(Vessel, booking.vessel_id)  # the booking's vessel (foreign key)
        credit.record(session, vessel, CreditKind.PICKUP, pickup_reason(collected, booking.manifest_no), booking_id=booking.id)
        contact = contacts_for(session, [vessel]).get(vessel.id)
        if contact is not None:
            enqueue(session, contact.phone, "pickup_collected", receipt_params(session, booking, vessel), citizen_id=contact.citizen_id)
    return booking


def pickup_reason(collected_kg: Decimal, manifest_no: str) -> str:
    return f"交纳污染物 {collected_kg} kg,联单 {manifest_no}"


def mark_no_show(session: Session, staff_id: int, booking_id: int) -> Booking:
    with unit_of_work(session):
        booking = _crew_booking(session, staff_id, booking_id)
        if utcnow() < booking.slot_start:
            raise Conflict("时段尚未开始,不能标记未到 (window has not started)")
        booking.status = BookingStatus.NO_SHOW
        credit.record(
            session,
            session.get_one(Vessel, booking.vessel_id),
            CreditKind.NO_SHOW,
            f"预约 {window_text(booking.slot_start, booking.slot_end)} 未到",
            booking_id=booking.id,
        )
    return booking
