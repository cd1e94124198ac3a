"""After the booking: a vessel's credit and its history, appeals against deductions, 漏收 reports, officials' lists.

Plain functions over a session; the routes and the cockpit call them (``vessels_by_color``, ``open_missed_reports``,
``phone_bookings``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import cast

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from api.auth.models import StaffUser
from api.common.db import SHANGHAI, unit_of_work, utcnow
from api.common.pagination import paginate
from api.errors import Conflict, NotFound
from api.notify.service import enqueue
from api.pickup import credit
from api.pickup.models import (
    Booking,
    BookingItem,
    BookingStatus,
    CreditAppeal,
    CreditColor,
    CreditColorChange,
    CreditEntry,
    MissedReport,
    Port,
    Vessel,
)
from api.pickup.registry import captain_contact
from api.pickup.service import MISSABLE, Annotated, may_report_missed

HISTORY_LIMIT = 100


# ---- a vessel's credit --------------------------------------------------------------------------------------------


def credit_view(session: Session, vessel_id: int, *, citizen_id: int | None = None) -> dict:
    """Score, colour, the rule, the entries behind it (with appeals) and the colour history; a captain sees only their own."""
    vessel = session.get(Vessel, vessel_id)
    if vessel is None or (citizen_id is not None and vessel.owner_id != citizen_id):
        raise NotFound("未找到该船舶 (vessel not found)")
    since = utcnow() - timedelta(days=credit.WINDOW_DAYS)
    entries = session.scalars(
        select(CreditEntry)
        .where(CreditEntry.vessel_id == vessel_id)
        .options(selectinload(CreditEntry.appeal))
        .order_by(CreditEntry.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    history = session.scalars(
        select(CreditColorChange).where(CreditColorChange.vessel_id == vessel_id).order_by(CreditColorChange.id)
    ).all()
    return {
        "vessel_id": vessel.id,
        "vessel_no": vessel.vessel_no,
        "score": vessel.credit_score,
        "color": vessel.credit_color,
        "rule": "\n".join(credit.RULE),
        "reasons": credit.why(session, [vessel.id])[vessel.id],
        "to_green": credit.to_green(session, vessel),
        "entries": [
            {
                "id": e.id,
                "kind": e.kind,
                "points": e.points,
                "reason": e.reason,
                "created_at": e.created_at,
                "counts": e.overturned_at is None and e.created_at >= since,
                "appealable": e.kind in credit.APPEALABLE and e.points < 0 and e.appeal is None,
                "appeal": e.appeal,
            }
            for e in entries
        ],
        "color_history": [{"from": h.old_color.value, "to": h.new_color.value, "score": h.score, "at": h.changed_at} for h in history],
    }


# ---- appeals (申诉) -----------------------------------------------------------------------------------------------


def appeal(session: Session, citizen_id: int, entry_id: int, *, reason: str) -> CreditAppeal:
    """A captain appeals one deduction (or no-show) of their vessel, once, with a reason."""
    with unit_of_work(session):
        entry = session.scalar(
            select(CreditEntry)
            .join(Vessel, Vessel.id == CreditEntry.vessel_id)
            .where(CreditEntry.id == entry_id, Vessel.owner_id == citizen_id)
            .with_for_update()
        )
        if entry is None:
            raise NotFound("未找到该信用记录 (credit entry not found)")
        if entry.kind not in credit.APPEALABLE or entry.points >= 0:
            raise Conflict("只能对扣分记录申诉 (only deductions can be appealed)")
        if entry.appeal is not None:
            raise Conflict("每项扣分只能申诉一次,该扣分已申诉 (this deduction has already been appealed)")
        entry.appeal = CreditAppeal(entry_id=entry.id, vessel_id=entry.vessel_id, appellant_id=citizen_id, reason=reason)
        session.add(entry.appeal)
    return entry.appeal


def decide_appeal(session: Session, staff_id: int, entry_id: int, *, upheld: bool, reason: str) -> CreditAppeal:
    """An ocean official upholds or overturns the appeal with a reason; an overturned deduction stops counting."""
    with unit_of_work(session):
        found = session.scalar(select(CreditAppeal).where(CreditAppeal.entry_id == entry_id).with_for_update())
        if found is None:
            raise NotFound("该信用记录没有待处理的申诉 (no appeal for this entry)")
        if found.upheld is not None:
            raise Conflict("该申诉已处理 (appeal already decided)")
        found.upheld, found.decision_reason, found.decided_by, found.decided_at = upheld, reason, staff_id, utcnow()
        vessel = session.scalars(select(Vessel).where(Vessel.id == found.vessel_id).with_for_update()).one()  # the entry's vessel
        if not upheld:
            found.entry.overturned_at = found.decided_at
            session.flush()
            credit.refresh(session, vessel)
        contact = captain_contact(session, vessel)
        if contact is not None:
            params = {"vessel_no": vessel.vessel_no, "result": "维持扣分" if upheld else "撤销扣分", "reason": reason}
            enqueue(session, contact.phone, "credit_appeal_decided", params | {"score": vessel.credit_score}, citizen_id=contact.citizen_id)
    return found


def appeals(session: Session, *, pending_only: bool, limit: int, cursor: str | None) -> dict:
    stmt = select(CreditAppeal).options(joinedload(CreditAppeal.entry))
    if pending_only:
        stmt = stmt.where(CreditAppeal.upheld.is_(None))
    return paginate(session, stmt, CreditAppeal.id, limit=limit, cursor=cursor, descending=not pending_only)


# ---- 漏收: the crew did not come ----------------------------------------------------------------------------------


def report_missed(session: Session, citizen_id: int, booking_id: int, *, note: str) -> dict:
    """The captain reports that the crew did not come, once the window has started; once per booking."""
    with unit_of_work(session):
        booking = session.scalar(select(Booking).where(Booking.id == booking_id, Booking.booked_by == citizen_id).with_for_update())
        if booking is None:
            raise NotFound("未找到该预约 (booking not found)")
        reported = session.scalar(select(MissedReport.id).where(MissedReport.booking_id == booking.id)) is not None
        if not may_report_missed(booking, utcnow(), already_reported=reported):
            if reported:
                raise Conflict("该预约已报告过漏收 (already reported)")
            if booking.status not in MISSABLE:
                raise Conflict("只有未完成接收的预约才能报告漏收 (only a booking not collected can be reported)")
            raise Conflict("预约时段尚未开始,不能报告漏收 (the window has not started)")
        report = MissedReport(
            booking_id=booking.id, vessel_id=booking.vessel_id, port_id=booking.port_id, reported_by=citizen_id, note=note
        )
        session.add(report)
        session.flush()
        return _missed_rows(session, select(MissedReport).where(MissedReport.id == report.id))[0]


def _missed_rows(session: Session, stmt: Select[MissedReport]) -> list[dict]:
    now = utcnow()
    # add_columns drops the column types, so the row shape is stated here.
    rows = cast(
        Sequence[tuple[MissedReport, str, str, datetime, datetime]],
        session.execute(
            stmt.add_columns(Vessel.vessel_no, Port.name, Booking.slot_start, Booking.slot_end)
            .join(Booking, Booking.id == MissedReport.booking_id)
            .join(Vessel, Vessel.id == MissedReport.vessel_id)
            .join(Port, Port.id == MissedReport.port_id)
        ).all(),
    )
    return [
        {
            "id": r.id,
            "booking_id": r.booking_id,
            "vessel_no": vessel_no,
            "port": port,
            "slot_start": start,
            "slot_end": end,
            "note": r.note,
            "created_at": r.created_at,
            "age_hours": round((now - r.created_at).total_seconds() / 3600, 1),
            "status": "open" if r.closed_at is None else "closed",
            "closed_at": r.closed_at,
            "resolution": r.resolution,
        }
        for r, vessel_no, port, start, end in rows
    ]


def open_missed_reports(session: Session, *, port_id: int | None = None, limit: int = 100) -> list[dict]:
    """Open 漏收 reports, oldest first, each with its age in hours (for officials and the cockpit)."""
    stmt = select(MissedReport).where(MissedReport.closed_at.is_(None)).order_by(MissedReport.created_at, MissedReport.id).limit(limit)
    if port_id is not None:
        stmt = stmt.where(MissedReport.port_id == port_id)
    return _missed_rows(session, stmt)


def my_missed_reports(session: Session, citizen_id: int) -> list[dict]:
    stmt = select(MissedReport).where(MissedReport.reported_by == citizen_id).order_by(MissedReport.id.desc()).limit(100)
    return _missed_rows(session, stmt)


def close_missed_report(session: Session, staff_id: int, report_id: int, *, resolution: str) -> dict:
    with unit_of_work(session):
        report = session.scalar(select(MissedReport).where(MissedReport.id == report_id).with_for_update())
        if report is None:
            raise NotFound("未找到该漏收报告 (report not found)")
        if report.closed_at is not None:
            raise Conflict("该漏收报告已处理 (report already closed)")
        report.closed_at, report.closed_by, report.resolution = utcnow(), staff_id, resolution
    return _missed_rows(session, select(MissedReport).where(MissedReport.id == report_id))[0]


# ---- officials' lists ----------------------------------------------------------------------------------------------


def vessels_by_color(session: Session, color: CreditColor | None = None, *, limit: int = 100, cursor: str | None = None) -> dict:
    """Vessels (lowest score first within the page's id order) with their colour and the reasons behind it."""
    stmt = select(Vessel)
    if color is not None:
        stmt = stmt.where(Vessel.credit_color == color)
    page = paginate(session, stmt, Vessel.id, limit=limit, cursor=cursor, descending=False)
    reasons = credit.why(session, [v.id for v in page["items"]])
    page["items"] = [
        {
            "id": v.id,
            "vessel_no": v.vessel_no,
            "name": v.name,
            "score": v.credit_score,
            "color": v.credit_color,
            "bound": v.owner_id is not None,
            "reasons": reasons[v.id],
        }
        for v in page["items"]
    ]
    return page


def phone_bookings(session: Session, day: date | None = None) -> list[Annotated]:
    """The day's bookings taken by phone (made that day, Asia/Shanghai), with the dispatcher who took each call."""
    day = day or utcnow().astimezone(SHANGHAI).date()
    start = datetime.combine(day, time(0), SHANGHAI)
    rows = session.execute(
        select(Booking, StaffUser.display_name)
        .join(StaffUser, StaffUser.id == Booking.dispatcher_id)
        .where(Booking.dispatcher_id.is_not(None), Booking.created_at >= start, Booking.created_at < start + timedelta(days=1))
        .options(selectinload(Booking.items), joinedload(Booking.vessel), joinedload(Booking.port))
        .order_by(Booking.created_at, Booking.id)
    ).all()
    return [Annotated(b, dispatcher=name) for b, name in rows]


def season_figures(session: Session) -> dict:
    """The seed report's headline figures: vessels served (in the service), collected pickups, tonnes collected."""
    collected = Booking.status == BookingStatus.COLLECTED
    kg = session.execute(
        select(func.coalesce(func.sum(BookingItem.qty_kg), 0)).join(Booking, Booking.id == BookingItem.booking_id).where(collected)
    ).scalar_one()  # coalesce: never NULL, though the column type says it may be
    return {
        "vessels_served": session.scalar(select(func.count()).select_from(Vessel)),
        "pickups": session.scalar(select(func.count()).select_from(Booking).where(collected)),
        "tonnes": round(float(kg or 0) / 1000, 1),
    }
