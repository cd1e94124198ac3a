"""Rules of 海洋云仓 bookings: ports and pollutant types, slots with capacity, booking in the app or by phone, cancelling."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import cast

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload, selectinload

from api.common import reference
from api.common.db import SHANGHAI, unit_of_work, utcnow
from api.common.pagination import paginate
from api.common.pii import normalize_phone
from api.errors import Conflict, Forbidden, NotFound, ValidationFailed
from api.labels import label
from api.notify.service import enqueue
from api.pickup import credit
from api.pickup.models import (
    ACTIVE_BOOKING,
    Booking,
    BookingItem,
    BookingStatus,
    CollectionBoat,
    CreditColor,
    CreditEntry,
    CreditKind,
    MissedReport,
    PickupSlot,
    PollutantType,
    Port,
    Vessel,
)
from api.pickup.registry import (
    Contact,
    VesselNotRegistered,
    captain_contact,
    normalize_vessel_no,
)
from api.pickup.vessels import owned_vessel, port_or_404, registered_vessel


class SlotFull(Conflict):
    code, message = "slot_full", "该时段预约已满,请选择其他时段 (this pickup window is full)"


class SafetyCheckRequired(Conflict):
    code = "safety_check_required"
    message = (
        f"红码渔船须先完成安全自查({credit.SAFETY_CHECK_VALID_DAYS} 天内)才能预约,请先在“安全自查”中提交 "
        "(red-coded vessels must file a safety self-check before booking)"
    )


class PriorityWindow(Conflict):
    code = "priority_window"
    message = (
        f"该时段为绿码渔船优先时段,开始前 {credit.PRIORITY_OPEN_TO_ALL_HOURS} 小时内才向其他渔船开放,请选择其他时段 "
        "(priority window reserved for green-coded vessels)"
    )


def manifest_number(booking_id: int, collected_at: datetime) -> str:
    """联单 (electronic transfer manifest) number: HYYC + local date of collection + booking id."""
    return f"HYYC{collected_at.astimezone(SHANGHAI):%Y%m%d}{booking_id:06d}"


def window_text(start: datetime, end: datetime) -> str:
    return f"{start.astimezone(SHANGHAI):%m月%d日 %H:%M}–{end.astimezone(SHANGHAI):%H:%M}"


def ports(session: Session) -> list[Port]:
    return list(session.scalars(select(Port).order_by(Port.id)))


def pollutant_types(session: Session) -> list[PollutantType]:
    return list(session.scalars(select(PollutantType).order_by(PollutantType.code)))


def check_pollutant_types(session: Session, codes: set[str]) -> None:
    """Every code must be a known pollutant type (all types are bookable and collectable)."""
    unknown = sorted(codes - set(session.scalars(select(PollutantType.code).where(PollutantType.code.in_(codes)))))
    if unknown:
        message = f"未知的污染物类型: {', '.join(unknown)},见 /pickup/pollutant-types (unknown pollutant type)"
        raise NotFound(message, details={"items": [message]})


# ---- slots and booking ---------------------------------------------------------------------------------------------


def _windows(port: Port | PortWindows, day: date) -> list[tuple[datetime, datetime, bool]]:
    result = []
    for window in port.windows:
        start_s, _, end_s = window.partition("-")
        start = datetime.combine(day, time.fromisoformat(start_s), SHANGHAI)
        result.append((start, datetime.combine(day, time.fromisoformat(end_s), SHANGHAI), window in (port.priority_windows or [])))
    return result


def _capacity(port_id: int | InstrumentedAttribute[int]) -> Select[int]:
    """A port's capacity per window, boats × trips of its active boats (``port_id`` a value or a column)."""
    return select(func.coalesce(func.sum(CollectionBoat.trips_per_window), 0)).where(
        CollectionBoat.port_id == port_id, CollectionBoat.active.is_(True)
    )


def capacity_of(session: Session, port_id: int) -> int:
    return session.execute(_capacity(port_id)).scalar_one()  # coalesce: always one value


@dataclass(frozen=True)
class PortWindows:
    """What the slot list needs of a port: its windows, its priority windows, its capacity per window."""

    windows: tuple[str, ...]
    priority_windows: tuple[str, ...]
    capacity: int


def _load_port_windows(session: Session) -> Mapping[int, PortWindows]:
    capacity = _capacity(Port.id).scalar_subquery()
    rows = cast(  # the scalar subquery's type is lost in select()
        "list[tuple[int, list[str] | None, list[str] | None, int]]",
        session.execute(select(Port.id, Port.windows, Port.priority_windows, capacity)).all(),
    )
    return MappingProxyType({i: PortWindows(tuple(w or ()), tuple(p or ()), int(c)) for i, w, p, c in rows})


def port_windows(session: Session) -> Mapping[int, PortWindows]:
    """Every port's windows and capacity, held in the process and reloaded when a port or a boat changes."""
    return reference.cached(session, "port_windows", ("pk_ports", "pk_collection_boats"), _load_port_windows)


def slots(session: Session, port_id: int, day: date) -> list[dict]:
    """The day's windows at a port with their capacity (boats × trips), what remains, and which are priority windows."""
    port = port_windows(session).get(port_id)
    if port is None:
        port_or_404(session, port_id)  # raises the one "port not found" (or finds one created this second)
        port = _load_port_windows(session)[port_id]
    capacity = port.capacity
    windows = _windows(port, day)
    taken = dict(
        session.execute(
            select(Booking.slot_start, func.count())
            .where(Booking.port_id == port_id, Booking.slot_start.in_([w[0] for w in windows]), Booking.status.in_(ACTIVE_BOOKING))
            .group_by(Booking.slot_start)
        ).all()
    )
    taken = {k.astimezone(SHANGHAI): v for k, v in taken.items()}
    now = utcnow()
    return [
        {
            "start": start,
            "end": end,
            "capacity": capacity,
            "remaining": 0 if start <= now else max(capacity - taken.get(start, 0), 0),
            "priority": priority and start - now > timedelta(hours=credit.PRIORITY_OPEN_TO_ALL_HOURS),
        }
        for start, end, priority in windows
    ]


def _locked_slot(session: Session, port: Port, start: datetime, end: datetime) -> PickupSlot:
    stmt = select(PickupSlot).where(PickupSlot.port_id == port.id, PickupSlot.start == start).with_for_update()
    slot = session.scalar(stmt)
    if slot is None:
        try:
            with session.begin_nested():
                session.add(PickupSlot(port_id=port.id, start=start, end=end, capacity=capacity_of(session, port.id)))
        except IntegrityError:
            pass  # a concurrent booking created it
        slot = session.scalars(stmt).one()  # created above or by the concurrent booking
    return slot


def _check_consequences(session: Session, vessel: Vessel, slot_start: datetime, priority: bool, now: datetime) -> None:
    """差异化服务: how far ahead this colour may book, priority windows for green, a recent self-check for red."""
    ahead = credit.BOOKING_DAYS_AHEAD[vessel.credit_color]
    if slot_start > now + timedelta(days=ahead):
        raise ValidationFailed.on(
            "slot_start",
            f"{label('credit_color', vessel.credit_color)}渔船最多预约 {ahead} 天内的时段 (too far ahead for this credit colour)",
        )
    if priority and vessel.credit_color != CreditColor.GREEN and slot_start - now > timedelta(hours=credit.PRIORITY_OPEN_TO_ALL_HOURS):
        raise PriorityWindow()
    if vessel.credit_color == CreditColor.RED:
        recent = session.scalar(
            select(CreditEntry.id)
            .where(
                CreditEntry.vessel_id == vessel.id,
                CreditEntry.kind == CreditKind.SAFETY_CHECK,
                CreditEntry.created_at >= now - timedelta(days=credit.SAFETY_CHECK_VALID_DAYS),
            )
            .limit(1)
        )
        if recent is None:
            raise SafetyCheckRequired()


@dataclass(frozen=True)
class Booker:
    """Who is booking: a captain in the app (``citizen_id``) or a dispatcher taking a call (``dispatcher_id``)."""

    citizen_id: int | None = None
    dispatcher_id: int | None = None


def book(
    session: Session,
    booker: Booker,
    *,
    port_id: int,
    slot_start: datetime,
    items: list[dict],
    vessel_id: int | None = None,
    vessel_no: str | None = None,
    captain_phone: str | None = None,
    note: str = "",
) -> Booking:
    """Book a collection boat for a window; never more bookings than the window's capacity.

    A captain books for their own vessel; a dispatcher (电话预约) for any registered vessel, with the captain's phone
    confirmed against the owner's. Either way the captain gets the same SMS and the booking records who booked it.
    """
    contact: Contact | None
    if booker.dispatcher_id is not None:
        vessel = registered_vessel(session, vessel_id, vessel_no)
        contact = _confirmed_contact(session, vessel, captain_phone)
    else:
        assert booker.citizen_id is not None  # a booker is a captain or a dispatcher
        vessel = owned_vessel(session, booker.citizen_id, vessel_id, vessel_no=vessel_no and normalize_vessel_no(vessel_no))
        contact = captain_contact(session, vessel)
    port = port_or_404(session, port_id)
    now = utcnow()
    if slot_start <= now:
        raise ValidationFailed.on("slot_start", "不能预约已经开始或过去的时段 (slot is in the past)")
    local_start = slot_start.astimezone(SHANGHAI)
    window = next(((s, e, p) for s, e, p in _windows(port, local_start.date()) if s == local_start), None)
    if window is None:
        raise ValidationFailed.on("slot_start", f"该港口没有这个时段,可选: {', '.join(port.windows)} (no such window)")
    _check_consequences(session, vessel, window[0], window[2], now)
    check_pollutant_types(session, {i["type"] for i in items})
    with unit_of_work(session):
        slot = _locked_slot(session, port, window[0], window[1])
        capacity = _capacity(port.id).scalar_subquery()
        # One round trip: the window's active bookings, this vessel's among them, and today's capacity (boats × trips).
        taken, mine, slot.capacity = cast(  # three counts; the filtered count's type is lost in select()
            tuple[int, int, int],
            session.execute(
                select(func.count(), func.count().filter(Booking.vessel_id == vessel.id), capacity).where(
                    Booking.slot_id == slot.id, Booking.status.in_(ACTIVE_BOOKING)
                )
            ).one(),
        )
        if mine:
            raise Conflict("该船舶在此时段已有预约 (vessel already booked in this window)")
        if taken >= slot.capacity:
            raise SlotFull()
        booking = Booking(
            vessel_id=vessel.id,
            port_id=port.id,
            slot_id=slot.id,
            slot_start=window[0],
            slot_end=window[1],
            status=BookingStatus.CONFIRMED,
            note=note,
            booked_by=vessel.owner_id,
            dispatcher_id=booker.dispatcher_id,
            vessel=vessel,
            port=port,
        )
        booking.items = [
            BookingItem(pollutant_code=i["type"], est_qty_kg=i["qty_kg"], est_qty=i.get("qty", i["qty_kg"]), unit=i.get("unit", "kg"))
            for i in items
        ]
        session.add(booking)
        if contact is not None:
            enqueue(
                session,
                contact.phone,
                "pickup_confirmed",
                {"vessel_no": vessel.vessel_no, "port": port.name, "window": window_text(*window[:2])},
                citizen_id=contact.citizen_id,
            )
    return booking


class CaptainPhoneRequired(Forbidden):
    """A dispatcher acts for a captain only on the captain's own call, which the captain's phone confirms."""

    code = "captain_phone_required"
    message = "电话预约须填写船长手机号以核对身份 (a dispatcher books only with the captain's phone)"


def _confirmed_contact(session: Session, vessel: Vessel, captain_phone: str | None) -> Contact:
    """The dispatcher must give the captain's phone, and it must be the vessel owner's (no such captain: 404)."""
    if not captain_phone:
        raise CaptainPhoneRequired(details={"captain_phone": [CaptainPhoneRequired.message]})
    contact = captain_contact(session, vessel)
    if contact is None:
        raise VesselNotRegistered(details={"vessel_no": [VesselNotRegistered.message]})
    try:
        phone = normalize_phone(captain_phone)
    except ValueError as exc:
        raise ValidationFailed.on("captain_phone", str(exc)) from exc
    if phone != contact.phone:
        message = "手机号与该船登记的船东手机号不一致 (phone does not match the vessel's owner)"
        raise NotFound(message, details={"captain_phone": [message]})
    return contact


def booking_for_update(session: Session, booking_id: int, **where) -> Booking:
    booking = session.scalar(select(Booking).filter_by(id=booking_id, **where).with_for_update())
    if booking is None:
        raise NotFound("未找到该预约 (booking not found)")
    return booking


# What a captain may do with a booking now: the one rule that cancel/report_missed apply and the API answers (can_*).
MISSABLE = (BookingStatus.CONFIRMED, BookingStatus.REQUESTED, BookingStatus.NO_SHOW)


def may_cancel(booking: Booking, now: datetime, cutoff_minutes: int) -> bool:
    return booking.status in ACTIVE_BOOKING and now <= booking.slot_start - timedelta(minutes=cutoff_minutes)


def may_report_missed(booking: Booking, now: datetime, *, already_reported: bool) -> bool:
    """漏收 can be reported once, from the window's start, for a booking not collected."""
    return booking.status in MISSABLE and now >= booking.slot_start and not already_reported


def cancel(session: Session, citizen_id: int, booking_id: int, *, cutoff_minutes: int) -> Booking:
    """The captain cancels, up to ``cutoff_minutes`` before the window starts."""
    with unit_of_work(session):
        booking = booking_for_update(session, booking_id, booked_by=citizen_id)
        if booking.status not in ACTIVE_BOOKING:
            raise Conflict(f"该预约{label('booking_status', booking.status)},不能取消 (booking is {booking.status})")
        if not may_cancel(booking, utcnow(), cutoff_minutes):
            raise Conflict(f"时段开始前 {cutoff_minutes} 分钟内不能取消 (too late to cancel)")
        booking.status, booking.cancelled_at = BookingStatus.CANCELLED, utcnow()
    return booking


class Annotated:
    """A booking with a few more fields for one audience (the crew's masked captain, the dispatcher's name)."""

    def __init__(self, booking: Booking, **extra):
        self.booking = booking
        self.__dict__.update(extra)

    def __getattr__(self, name):
        return getattr(self.booking, name)


def receipt_params(session: Session, booking: Booking, vessel: Vessel) -> dict:
    """The receipt SMS's parameters: the weighed amounts and the 联单 number."""
    names = dict(session.execute(select(PollutantType.code, PollutantType.name)).all())
    summary = "、".join(f"{names[i.pollutant_code]}{i.qty_kg}kg" for i in booking.items if i.qty_kg)
    return {"vessel_no": vessel.vessel_no, "items": summary, "manifest_no": booking.manifest_no}


def with_names(stmt):
    return stmt.options(selectinload(Booking.items), joinedload(Booking.vessel), joinedload(Booking.port))


def my_bookings(session: Session, citizen_id: int, *, limit: int, cursor: str | None, cutoff_minutes: int) -> dict:
    """My bookings, newest first, each saying whether I may cancel it or report that the crew did not come."""
    page = paginate(session, with_names(select(Booking).where(Booking.booked_by == citizen_id)), Booking.id, limit=limit, cursor=cursor)
    ids = [b.id for b in page["items"]]
    reported = set(session.scalars(select(MissedReport.booking_id).where(MissedReport.booking_id.in_(ids)))) if ids else set()
    now = utcnow()
    page["items"] = [
        Annotated(
            b,
            can_cancel=may_cancel(b, now, cutoff_minutes),
            can_report_missed=may_report_missed(b, now, already_reported=b.id in reported),
        )
        for b in page["items"]
    ]
    return page


def remind_tomorrow(session: Session, today: date | None = None) -> int:
    """Enqueue the day-before reminder for tomorrow's bookings (once per booking)."""
    today = today or utcnow().astimezone(SHANGHAI).date()
    count = 0
    with unit_of_work(session):
        start = datetime.combine(today + timedelta(days=1), time(0), SHANGHAI)
        due = session.scalars(
            with_names(select(Booking)).where(
                Booking.slot_start >= start, Booking.slot_start < start + timedelta(days=1), Booking.status.in_(ACTIVE_BOOKING)
            )
        )
        for booking in due:
            contact = captain_contact(session, booking.vessel)
            if contact is None:
                continue
            params = {
                "vessel_no": booking.vessel.vessel_no,
                "port": booking.port.name,
                "window": window_text(booking.slot_start, booking.slot_end),
            }
            enqueue(
                session, contact.phone, "pickup_reminder", params, dedupe_key=f"pickup-reminder:{booking.id}", citizen_id=contact.citizen_id
            )
            count += 1
    return count
