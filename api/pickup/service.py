"""Rules of 海洋云仓: vessels and their owners, slots with capacity, bookings, the crew's collection."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from api.auth.models import Citizen, StaffUser
from api.common.db import SHANGHAI, unit_of_work, utcnow
from api.common.pagination import paginate
from api.errors import Conflict, Forbidden, NotFound, ValidationFailed
from api.notify.service import enqueue
from api.pickup import credit
from api.pickup.models import (
    ACTIVE_BOOKING,
    Booking,
    BookingItem,
    BookingStatus,
    CollectionBoat,
    CreditKind,
    PickupSlot,
    PollutantType,
    Port,
    Vessel,
)

VESSEL_NO = re.compile(r"^浙[\u4e00-\u9fff]渔\d{5}$")
BOOKING_DAYS_AHEAD = 14
# A weighed total above this many times the declared one (plus a margin) is flagged for officials.
UNDER_DECLARED_RATIO, UNDER_DECLARED_MARGIN_KG = Decimal("1.5"), Decimal(10)


class SlotFull(Conflict):
    code, message = "slot_full", "该时段预约已满,请选择其他时段 (this pickup window is full)"


class VesselOwned(Conflict):
    code, message = "vessel_owned", "该船舶已绑定其他船东 (vessel already bound to another owner)"


def normalize_vessel_no(value: str) -> str:
    value = (value or "").strip().replace(" ", "")
    if not VESSEL_NO.match(value):
        raise ValidationFailed.on("vessel_no", "船号格式应为“浙X渔NNNNN”,如 浙椒渔77033 (invalid vessel number)")
    return value


def register_vessel(session: Session, citizen_id: int, *, vessel_no: str, name: str = "",
                    home_port_id: int | None = None) -> Vessel:
    """Register a new vessel or bind an existing unowned one; one vessel, one owner."""
    vessel_no = normalize_vessel_no(vessel_no)
    if home_port_id is not None and session.get(Port, home_port_id) is None:
        raise ValidationFailed.on("home_port_id", "未知的港口 (unknown port)")
    try:
        with unit_of_work(session):
            vessel = session.scalar(select(Vessel).where(Vessel.vessel_no == vessel_no).with_for_update())
            if vessel is None:
                vessel = Vessel(vessel_no=vessel_no, name=name, home_port_id=home_port_id, owner_id=citizen_id)
                session.add(vessel)
            elif vessel.owner_id not in (None, citizen_id):
                raise VesselOwned()
            vessel.owner_id = citizen_id
            vessel.name = name or vessel.name
            vessel.home_port_id = home_port_id or vessel.home_port_id
    except IntegrityError as exc:  # registered by someone else at the same moment
        raise VesselOwned() from exc
    return vessel


def my_vessels(session: Session, citizen_id: int) -> list[Vessel]:
    return list(session.scalars(select(Vessel).where(Vessel.owner_id == citizen_id).order_by(Vessel.id)))


def owned_vessel(session: Session, citizen_id: int, vessel_id: int, *, lock: bool = False) -> Vessel:
    stmt = select(Vessel).where(Vessel.id == vessel_id, Vessel.owner_id == citizen_id)
    vessel = session.scalar(stmt.with_for_update() if lock else stmt)
    if vessel is None:
        raise NotFound("未找到该船舶 (vessel not found)")
    return vessel


def _port(session: Session, port_id: int) -> Port:
    port = session.get(Port, port_id)
    if port is None:
        raise NotFound("未找到该港口 (port not found)")
    return port


def _windows(port: Port, day: date) -> list[tuple[datetime, datetime]]:
    result = []
    for window in port.windows:
        start_s, _, end_s = window.partition("-")
        start = datetime.combine(day, time.fromisoformat(start_s), SHANGHAI)
        result.append((start, datetime.combine(day, time.fromisoformat(end_s), SHANGHAI)))
    return result


def capacity_of(session: Session, port_id: int) -> int:
    return session.scalar(select(func.coalesce(func.sum(CollectionBoat.trips_per_window), 0)).where(
        CollectionBoat.port_id == port_id, CollectionBoat.active.is_(True)))


def slots(session: Session, port_id: int, day: date) -> list[dict]:
    """The day's windows at a port with their capacity (boats × trips) and what remains."""
    port = _port(session, port_id)
    capacity = capacity_of(session, port_id)
    windows = _windows(port, day)
    starts = [start for start, _ in windows]
    taken = dict(session.execute(
        select(Booking.slot_start, func.count()).where(Booking.port_id == port_id, Booking.slot_start.in_(starts),
                                                       Booking.status.in_(ACTIVE_BOOKING))
        .group_by(Booking.slot_start)).all())
    taken = {k.astimezone(SHANGHAI): v for k, v in taken.items()}
    now = utcnow()
    return [{"start": start, "end": end, "capacity": capacity,
             "remaining": 0 if start <= now else max(capacity - taken.get(start, 0), 0)} for start, end in windows]


def _locked_slot(session: Session, port: Port, start: datetime, end: datetime) -> PickupSlot:
    stmt = select(PickupSlot).where(PickupSlot.port_id == port.id, PickupSlot.start == start).with_for_update()
    slot = session.scalar(stmt)
    if slot is None:
        try:
            with session.begin_nested():
                session.add(PickupSlot(port_id=port.id, start=start, end=end, capacity=0))
        except IntegrityError:
            pass  # a concurrent booking created it
        slot = session.scalar(stmt)
    slot.capacity = capacity_of(session, port.id)
    return slot


def _window_text(start: datetime, end: datetime) -> str:
    return f"{start.astimezone(SHANGHAI):%m月%d日 %H:%M}–{end.astimezone(SHANGHAI):%H:%M}"


def book(session: Session, citizen_id: int, *, vessel_id: int, port_id: int, slot_start: datetime,
         items: list[dict], note: str = "") -> Booking:
    """Book a collection boat for a window; never more bookings than the window's capacity."""
    vessel = owned_vessel(session, citizen_id, vessel_id)
    port = _port(session, port_id)
    now = utcnow()
    if slot_start <= now:
        raise ValidationFailed.on("slot_start", "不能预约已经开始或过去的时段 (slot is in the past)")
    if slot_start > now + timedelta(days=BOOKING_DAYS_AHEAD):
        raise ValidationFailed.on("slot_start", f"最多预约 {BOOKING_DAYS_AHEAD} 天内的时段 (too far ahead)")
    local_start = slot_start.astimezone(SHANGHAI)
    window = next(((s, e) for s, e in _windows(port, local_start.date()) if s == local_start), None)
    if window is None:
        raise ValidationFailed.on("slot_start", f"该港口没有这个时段,可选: {', '.join(port.windows)} (no such window)")
    known = set(session.scalars(select(PollutantType.code)))
    unknown = sorted({i["type"] for i in items} - known)
    if unknown:
        raise ValidationFailed.on("items", f"未知的污染物类型: {', '.join(unknown)} (unknown pollutant type)")
    with unit_of_work(session):
        slot = _locked_slot(session, port, *window)
        active = select(func.count()).select_from(Booking).where(Booking.slot_id == slot.id,
                                                                 Booking.status.in_(ACTIVE_BOOKING))
        if session.scalar(active.where(Booking.vessel_id == vessel.id)):
            raise Conflict("该船舶在此时段已有预约 (vessel already booked in this window)")
        if session.scalar(active) >= slot.capacity:
            raise SlotFull()
        booking = Booking(vessel_id=vessel.id, port_id=port.id, slot_id=slot.id, slot_start=window[0],
                          slot_end=window[1], status=BookingStatus.CONFIRMED, note=note, booked_by=citizen_id)
        booking.items = [BookingItem(pollutant_code=i["type"], est_qty_kg=i["qty_kg"]) for i in items]
        session.add(booking)
        captain = session.get(Citizen, citizen_id)
        enqueue(session, captain.phone, "pickup_confirmed",
                {"vessel_no": vessel.vessel_no, "port": port.name, "window": _window_text(*window)})
    return booking


def _booking(session: Session, booking_id: int, **where) -> Booking:
    booking = session.scalar(select(Booking).filter_by(id=booking_id, **where).with_for_update())
    if booking is None:
        raise NotFound("未找到该预约 (booking not found)")
    return booking


def cancel(session: Session, citizen_id: int, booking_id: int, *, cutoff_minutes: int) -> Booking:
    """The captain cancels, up to ``cutoff_minutes`` before the window starts."""
    with unit_of_work(session):
        booking = _booking(session, booking_id, booked_by=citizen_id)
        if booking.status not in ACTIVE_BOOKING:
            raise Conflict(f"该预约已{_STATUS_ZH[booking.status]},不能取消 (booking is {booking.status})")
        if utcnow() > booking.slot_start - timedelta(minutes=cutoff_minutes):
            raise Conflict(f"时段开始前 {cutoff_minutes} 分钟内不能取消 (too late to cancel)")
        booking.status, booking.cancelled_at = BookingStatus.CANCELLED, utcnow()
    return booking


def my_bookings(session: Session, citizen_id: int, *, limit: int, cursor: str | None) -> dict:
    stmt = select(Booking).where(Booking.booked_by == citizen_id).options(selectinload(Booking.items))
    return paginate(session, stmt, Booking.id, limit=limit, cursor=cursor)


def crew_port(session: Session, staff_id: int) -> int:
    port_id = session.get(StaffUser, staff_id).port_id
    if port_id is None:
        raise Forbidden("该账号未分配港口 (collector has no port)")
    return port_id


def tasks(session: Session, port_id: int, day: date) -> list[Booking]:
    start = datetime.combine(day, time(0), SHANGHAI)
    return list(session.scalars(
        select(Booking).where(Booking.port_id == port_id, Booking.slot_start >= start,
                              Booking.slot_start < start + timedelta(days=1))
        .options(selectinload(Booking.items)).order_by(Booking.slot_start, Booking.id)))


def _crew_booking(session: Session, staff_id: int, booking_id: int) -> Booking:
    booking = _booking(session, booking_id)
    if booking.port_id != crew_port(session, staff_id):
        raise Forbidden("只能处理本港口的预约 (booking belongs to another port)")
    if booking.status not in ACTIVE_BOOKING:
        raise Conflict(f"该预约已{_STATUS_ZH[booking.status]} (booking is {booking.status})")
    return booking


def complete(session: Session, staff_id: int, booking_id: int, weighed: list[dict]) -> Booking:
    """The crew records weighed amounts; a 联单 (transfer manifest) number is issued and the captain texted."""
    known = set(session.scalars(select(PollutantType.code)))
    unknown = sorted({i["type"] for i in weighed} - known)
    if unknown:
        raise ValidationFailed.on("items", f"未知的污染物类型: {', '.join(unknown)} (unknown pollutant type)")
    with unit_of_work(session):
        booking = _crew_booking(session, staff_id, booking_id)
        by_type = {item.pollutant_code: item for item in booking.items}
        for row in weighed:
            item = by_type.get(row["type"])
            if item is None:
                item = BookingItem(pollutant_code=row["type"], est_qty_kg=Decimal(0))
                booking.items.append(item)
                by_type[row["type"]] = item
            item.qty_kg = (item.qty_kg or Decimal(0)) + row["qty_kg"]
        declared = sum((i.est_qty_kg for i in booking.items), Decimal(0))
        collected = sum((i.qty_kg or Decimal(0) for i in booking.items), Decimal(0))
        booking.under_declared = collected > declared * UNDER_DECLARED_RATIO + UNDER_DECLARED_MARGIN_KG
        now = utcnow()
        booking.status, booking.collected_at, booking.collected_by = BookingStatus.COLLECTED, now, staff_id
        booking.manifest_no = f"HYYC{now.astimezone(SHANGHAI):%Y%m%d}{booking.id:06d}"
        vessel = session.get(Vessel, booking.vessel_id)
        credit.record(session, vessel, CreditKind.PICKUP, f"交纳污染物 {collected} kg,联单 {booking.manifest_no}",
                      booking_id=booking.id)
        captain = session.get(Citizen, booking.booked_by) if booking.booked_by else None
        if captain is not None:
            enqueue(session, captain.phone, "pickup_collected", receipt_params(session, booking, vessel))
    return booking


def receipt_params(session: Session, booking: Booking, vessel: Vessel) -> dict:
    """The receipt SMS's parameters: the weighed amounts and the 联单 number."""
    names = dict(session.execute(select(PollutantType.code, PollutantType.name)).all())
    summary = "、".join(f"{names[i.pollutant_code]}{i.qty_kg}kg" for i in booking.items if i.qty_kg)
    return {"vessel_no": vessel.vessel_no, "items": summary, "manifest_no": booking.manifest_no}


def mark_no_show(session: Session, staff_id: int, booking_id: int) -> Booking:
    with unit_of_work(session):
        booking = _crew_booking(session, staff_id, booking_id)
        if utcnow() < booking.slot_start:
            raise Conflict("时段尚未开始,不能标记未到 (window has not started)")
        booking.status = BookingStatus.NO_SHOW
        credit.record(session, session.get(Vessel, booking.vessel_id), CreditKind.NO_SHOW,
                      f"预约 {_window_text(booking.slot_start, booking.slot_end)} 未到", booking_id=booking.id)
    return booking


def report_port(session: Session, citizen_id: int, vessel_id: int, *, direction: str, port_id: int) -> Vessel:
    port = _port(session, port_id)
    with unit_of_work(session):
        vessel = owned_vessel(session, citizen_id, vessel_id, lock=True)
        credit.record(session, vessel, CreditKind.PORT_REPORT, f"{'进港' if direction == 'in' else '出港'}报告 {port.name}",
                      port_id=port.id, detail={"direction": direction})
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


def remind_tomorrow(session: Session, today: date | None = None) -> int:
    """Enqueue the day-before reminder for tomorrow's bookings (once per booking)."""
    today = today or utcnow().astimezone(SHANGHAI).date()
    count = 0
    with unit_of_work(session):
        start = datetime.combine(today + timedelta(days=1), time(0), SHANGHAI)
        due = session.scalars(select(Booking).where(Booking.slot_start >= start,
                                                    Booking.slot_start < start + timedelta(days=1),
                                                    Booking.status.in_(ACTIVE_BOOKING)))
        for booking in due:
            captain = session.get(Citizen, booking.booked_by) if booking.booked_by else None
            if captain is None:
                continue
            enqueue(session, captain.phone, "pickup_reminder",
                    {"vessel_no": booking.vessel.vessel_no, "port": booking.port.name,
                     "window": _window_text(booking.slot_start, booking.slot_end)},
                    dedupe_key=f"pickup-reminder:{booking.id}")
            count += 1
    return count


_STATUS_ZH = {BookingStatus.REQUESTED: "提交", BookingStatus.CONFIRMED: "确认", BookingStatus.COLLECTED: "完成接收",
              BookingStatus.CANCELLED: "取消", BookingStatus.NO_SHOW: "标记为未到"}
