"""The rows behind a headline number (明细): one statement per number, counted and listed from the same ``WHERE``.

Each drill-down belongs to a bureau and answers nothing to an official of another (``admin`` holds every bureau);
the SMS drill-down is shared and lists only the texts of the official's own bureaus' services. Personal data leaves
here masked (``api/common/pii.py``): names, phones, ID numbers. Plain functions of a session, like ``queries.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Row, Select, false, func, select
from sqlalchemy.orm import Session

from api.admission.models import Application, Review, School
from api.alerts import facts
from api.auth.models import Citizen, Partner
from api.common.db import SHANGHAI, utcnow
from api.common.pii import mask_id_number, mask_name, mask_phone
from api.greencoins.models import DeviceFlag
from api.labels import label
from api.notify.models import SmsMessage
from api.notify.templates import TEMPLATES
from api.pickup import credit
from api.pickup.models import Booking, BookingStatus, CreditColor, MissedReport, Port, Vessel
from cockpit.queries import LEVELS, message_counts, templates_of

OVERDUE_DAYS = 30
SHOWN_ROWS = 200  # a drill-down lists at most this many rows (and says how many there are)


@dataclass(frozen=True)
class Drill:
    title: str  # the headline number's label, and the heading of its rows
    bureau: str | None  # None: shared, each official sees only their bureaus' rows
    statement: Callable[..., Select]  # (bureaus, *params) -> the rows, ordered
    shown: Callable[[Session, Sequence[Row]], list[dict[str, Any]]]  # rows -> Chinese columns, personal data masked
    rolled_up: Callable[..., int] | None = None  # (session, bureaus, *params) -> the number, from the daily roll-ups


def _when(at) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if at else ""


def _id(masked: str | None) -> str:
    # Stored masked already; masked again so that a raw number written by mistake never reaches the screen.
    return mask_id_number(masked) if masked and "*" not in masked else (masked or "")


# ---- 入学一掌通 ----


def _open_reviews(_bureaus: frozenset[str]) -> Select:
    return (
        select(
            Review.application_id,
            Application.child_name,
            Application.child_id_masked,
            Citizen.name,
            Citizen.phone,
            School.name,
            Application.level,
            Application.category,
            Application.status,
            Review.reason,
            Review.requested_at,
        )
        .join(Application, Application.id == Review.application_id)
        .join(School, School.id == Application.school_id)
        .join(Citizen, Citizen.id == Application.citizen_id)
        .where(Review.answered_at.is_(None))
        .order_by(Review.requested_at, Review.id)
    )


def _open_review_rows(_session: Session, rows: Sequence[Row]) -> list[dict[str, Any]]:
    now = utcnow()
    return [
        {
            "报名号": app_id,
            "儿童": mask_name(child),
            "儿童身份证号": _id(child_id),
            "监护人": mask_name(guardian),
            "手机号": mask_phone(phone),
            "学校": school,
            "学段": LEVELS.get(str(level), str(level)),
            "类别": category,
            "报名状态": label("application_status", str(status)),
            "复核理由": reason,
            "申请时间": _when(at),
            "已等待(天)": (now - at).days,
        }
        for app_id, child, child_id, guardian, phone, school, level, category, status, reason, at in rows
    ]


# ---- 海洋云仓 ----


def _overdue(_bureaus: frozenset[str], port_id: int | None = None) -> Select:
    now = utcnow()
    stmt = (
        select(Booking.id, Vessel.vessel_no, Port.name, Booking.slot_start, Booking.slot_end, Booking.status, Citizen.name, Citizen.phone)
        .join(Vessel, Vessel.id == Booking.vessel_id)
        .join(Port, Port.id == Booking.port_id)
        .outerjoin(Citizen, Citizen.id == Booking.booked_by)
        .where(
            Booking.status.in_([BookingStatus.CONFIRMED, BookingStatus.NO_SHOW]),
            Booking.slot_start >= now - timedelta(days=OVERDUE_DAYS),
            Booking.slot_end < now,
        )
        .order_by(Booking.slot_start.desc(), Booking.id.desc())
    )
    return stmt.where(Booking.port_id == port_id) if port_id else stmt


def _overdue_rows(_session: Session, rows: Sequence[Row]) -> list[dict[str, Any]]:
    return [
        {
            "预约号": i,
            "船号": no,
            "港口": port,
            "时段": f"{start.astimezone(SHANGHAI):%m-%d %H:%M}–{end.astimezone(SHANGHAI):%H:%M}",
            "状态": label("booking_status", str(status)),
            "预约人": mask_name(name or ""),
            "手机号": mask_phone(phone or ""),
        }
        for i, no, port, start, end, status, name, phone in rows
    ]


def _red_vessels(_bureaus: frozenset[str]) -> Select:
    return (
        select(Vessel.id, Vessel.vessel_no, Vessel.name, Vessel.credit_score, Citizen.name, Citizen.phone, Citizen.id_number_masked)
        .outerjoin(Citizen, Citizen.id == Vessel.owner_id)
        .where(Vessel.credit_color == CreditColor.RED)
        .order_by(Vessel.credit_score, Vessel.id)
    )


def _red_vessel_rows(session: Session, rows: Sequence[Row]) -> list[dict[str, Any]]:
    reasons = credit.why(session, [r[0] for r in rows])
    return [
        {
            "船号": no,
            "船名": name,
            "信用分": score,
            "船主": mask_name(owner or ""),
            "手机号": mask_phone(phone or ""),
            "身份证号": _id(id_number),
            "原因": ";".join(reasons.get(vessel_id, [])),
        }
        for vessel_id, no, name, score, owner, phone, id_number in rows
    ]


def _open_missed(_bureaus: frozenset[str], port_id: int | None = None) -> Select:
    stmt = (
        select(MissedReport.id, MissedReport.booking_id, Vessel.vessel_no, Port.name, Citizen.name, Citizen.phone, MissedReport.created_at)
        .join(Vessel, Vessel.id == MissedReport.vessel_id)
        .join(Port, Port.id == MissedReport.port_id)
        .join(Citizen, Citizen.id == MissedReport.reported_by)
        .where(MissedReport.closed_at.is_(None))
        .order_by(MissedReport.created_at, MissedReport.id)
    )
    return stmt.where(MissedReport.port_id == port_id) if port_id else stmt


def _open_missed_rows(_session: Session, rows: Sequence[Row]) -> list[dict[str, Any]]:
    now = utcnow()
    return [
        {
            "报告号": i,
            "预约号": booking,
            "船号": no,
            "港口": port,
            "报告人": mask_name(name),
            "手机号": mask_phone(phone),
            "报告时间": _when(at),
            "已等待(小时)": int((now - at).total_seconds() // 3600),
        }
        for i, booking, no, port, name, phone, at in rows
    ]


# ---- 双碳绿币 ----


def _device_flags(_bureaus: frozenset[str], start: date, end: date) -> Select:
    lo, hi = facts.bounds(start, end)
    return (
        select(
            DeviceFlag.id,
            DeviceFlag.created_at,
            Partner.name,
            DeviceFlag.behavior_code,
            DeviceFlag.quantity,
            DeviceFlag.reason,
            Citizen.name,
            Citizen.phone,
        )
        .join(Partner, Partner.id == DeviceFlag.partner_id)
        .outerjoin(Citizen, Citizen.id == DeviceFlag.citizen_id)
        .where(DeviceFlag.created_at >= lo, DeviceFlag.created_at < hi)
        .order_by(DeviceFlag.created_at.desc(), DeviceFlag.id.desc())
    )


def _device_flag_rows(_session: Session, rows: Sequence[Row]) -> list[dict[str, Any]]:
    return [
        {
            "编号": i,
            "时间": _when(at),
            "合作方": partner,
            "行为": behavior,
            "上报数量": float(quantity),
            "原因": reason,
            "居民": mask_name(name or ""),
            "手机号": mask_phone(phone or ""),
        }
        for i, at, partner, behavior, quantity, reason, name, phone in rows
    ]


# ---- 短信通知 ----


def _failed_sms(bureaus: frozenset[str], start: date, end: date) -> Select:
    lo, hi = facts.bounds(start, end)
    stmt = (
        select(SmsMessage.id, SmsMessage.created_at, SmsMessage.phone, SmsMessage.template, SmsMessage.status, SmsMessage.attempts)
        .add_columns(SmsMessage.last_error)
        .where(SmsMessage.status.in_(["failed", "undelivered"]), SmsMessage.created_at >= lo, SmsMessage.created_at < hi)
        .order_by(SmsMessage.created_at.desc(), SmsMessage.id.desc())
    )
    codes = templates_of(bureaus)
    return stmt if codes is None else stmt.where(SmsMessage.template.in_(codes or ["-none-"]))


def _failed_sms_total(session: Session, bureaus: frozenset[str], start: date, end: date) -> int:
    """The number from the SMS roll-up (template × status per day): counting the outbox itself grows with the texts."""
    counts = message_counts(session, start, end, bureaus)
    return counts.get("failed", 0) + counts.get("undelivered", 0)


def _failed_sms_rows(_session: Session, rows: Sequence[Row]) -> list[dict[str, Any]]:
    return [
        {
            "短信编号": i,
            "时间": _when(at),
            "手机号": mask_phone(phone),
            "短信类型": TEMPLATES[template].title if template in TEMPLATES else template,
            "状态": label("sms_status", str(status)),
            "尝试次数": attempts,
            "原因": error or "",
        }
        for i, at, phone, template, status, attempts, error in rows
    ]


DRILLS = {
    "open_reviews": Drill("待处理复核", "admission", _open_reviews, _open_review_rows),
    "overdue_bookings": Drill(f"近 {OVERDUE_DAYS} 天逾期未收与未到", "pickup", _overdue, _overdue_rows),
    "red_vessels": Drill("红码渔船", "pickup", _red_vessels, _red_vessel_rows),
    "open_missed_reports": Drill("待处理漏收报告", "pickup", _open_missed, _open_missed_rows),
    "device_flags": Drill("区间内设备异常上报", "greencoins", _device_flags, _device_flag_rows),
    "failed_sms": Drill("区间内未送达或失败短信", None, _failed_sms, _failed_sms_rows, _failed_sms_total),
}


def allowed(name: str, bureaus: frozenset[str]) -> bool:
    drill = DRILLS.get(name)
    return drill is not None and (drill.bureau is None or drill.bureau in bureaus)


def _statement(name: str, bureaus: frozenset[str], params: tuple) -> Select:
    stmt = DRILLS[name].statement(bureaus, *params)
    return stmt if allowed(name, bureaus) else stmt.where(false())


def drill_count(session: Session, name: str, bureaus: frozenset[str], *params) -> int:
    """How many rows stand behind the number (0 for another bureau's number); from the roll-ups where it is on one."""
    if (rolled_up := DRILLS[name].rolled_up) is not None and allowed(name, bureaus):
        return rolled_up(session, bureaus, *params)
    stmt = _statement(name, bureaus, params).order_by(None)
    return session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def drill_rows(session: Session, name: str, bureaus: frozenset[str], *params) -> pd.DataFrame:
    """The first ``SHOWN_ROWS`` rows behind the number, Chinese headings, personal data masked."""
    rows = session.execute(_statement(name, bureaus, params).limit(SHOWN_ROWS)).all()
    return pd.DataFrame(DRILLS[name].shown(session, rows))
