"""The cockpit's SQL aggregations: plain functions of a session, reused by the pages (cached) and the tests."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import Numeric, case, cast, distinct, func, select
from sqlalchemy.orm import Session

from api.admission.models import Application, ApplicationStatus, School, SeatPlan
from api.auth.models import Citizen
from api.common.db import SHANGHAI, utcnow
from api.common.pii import mask_name, mask_phone
from api.greencoins.models import Account, Behavior, EntryKind, LedgerEntry, Reward, RewardStock, Station
from api.notify.models import SmsMessage
from api.notify.templates import TEMPLATES
from api.pickup.models import Booking, BookingItem, BookingStatus, PollutantType, Port, Vessel


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """A local (Shanghai) date range, as UTC-comparable instants, end inclusive."""
    return datetime.combine(start, time(0), SHANGHAI), datetime.combine(end + timedelta(days=1), time(0), SHANGHAI)


def local_day(session: Session, column):
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", column), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", column, "+8 hours")


def local_month(session: Session, column):
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", column), "YYYY-MM")
    return func.strftime("%Y-%m", column, "+8 hours")


def _scalar(session: Session, stmt) -> float:
    return float(session.scalar(stmt) or 0)


# ---- overview ----

def headline(session: Session, start: date, end: date) -> dict:
    lo, hi = bounds(start, end)
    today_lo, today_hi = bounds(utcnow().astimezone(SHANGHAI).date(), utcnow().astimezone(SHANGHAI).date())
    collected = Booking.status == BookingStatus.COLLECTED
    kg = select(func.sum(BookingItem.qty_kg)).join(Booking, Booking.id == BookingItem.booking_id).where(collected)
    earned = select(func.sum(LedgerEntry.amount)).where(LedgerEntry.kind == EntryKind.EARN)
    spent = select(-func.sum(LedgerEntry.amount)).where(LedgerEntry.kind.in_([EntryKind.REDEEM, EntryKind.REFUND]))
    return {
        "vessels_served": int(_scalar(session, select(func.count(distinct(Booking.vessel_id))).where(collected))),
        "pickups_total": int(_scalar(session, select(func.count()).select_from(Booking).where(collected))),
        "pickups_in_range": int(_scalar(session, select(func.count()).select_from(Booking).where(
            collected, Booking.collected_at >= lo, Booking.collected_at < hi))),
        "pickups_today": int(_scalar(session, select(func.count()).select_from(Booking).where(
            collected, Booking.collected_at >= today_lo, Booking.collected_at < today_hi))),
        "tonnes_total": round(_scalar(session, kg) / 1000, 1),
        "tonnes_in_range": round(_scalar(session, kg.where(Booking.collected_at >= lo, Booking.collected_at < hi)) / 1000, 1),
        "coins_issued_total": int(_scalar(session, earned)),
        "coins_issued_in_range": int(_scalar(session, earned.where(LedgerEntry.created_at >= lo, LedgerEntry.created_at < hi))),
        "coins_issued_today": int(_scalar(session, earned.where(LedgerEntry.created_at >= today_lo,
                                                                LedgerEntry.created_at < today_hi))),
        "coins_redeemed_total": int(_scalar(session, spent)),
        "co2e_kg_total": round(_scalar(session, select(func.sum(Account.co2e_g_total))) / 1000, 1),
        "applications": {str(k): v for k, v in session.execute(
            select(Application.status, func.count()).group_by(Application.status)).all()},
    }


def daily_trend(session: Session, start: date, end: date) -> pd.DataFrame:
    lo, hi = bounds(start, end)
    day_b = local_day(session, Booking.collected_at)
    pickups = session.execute(
        select(day_b.label("day"), func.count(distinct(Booking.id)).label("pickups"),
               (func.sum(BookingItem.qty_kg) / 1000).label("tonnes"))
        .join(BookingItem, BookingItem.booking_id == Booking.id)
        .where(Booking.status == BookingStatus.COLLECTED, Booking.collected_at >= lo, Booking.collected_at < hi)
        .group_by(day_b)).all()
    day_l = local_day(session, LedgerEntry.created_at)
    coins = session.execute(
        select(day_l.label("day"),
               func.sum(case((LedgerEntry.kind == EntryKind.EARN, LedgerEntry.amount), else_=0)).label("coins_issued"),
               func.sum(case((LedgerEntry.kind == EntryKind.REDEEM, -LedgerEntry.amount), else_=0)).label("coins_redeemed"))
        .where(LedgerEntry.created_at >= lo, LedgerEntry.created_at < hi).group_by(day_l)).all()
    days = pd.DataFrame({"day": [d.isoformat() for d in pd.date_range(start, end).date]})
    frame = days.merge(pd.DataFrame(pickups, columns=["day", "pickups", "tonnes"]), on="day", how="left")
    frame = frame.merge(pd.DataFrame(coins, columns=["day", "coins_issued", "coins_redeemed"]), on="day", how="left")
    return frame.fillna(0).astype({"pickups": int, "tonnes": float, "coins_issued": int, "coins_redeemed": int})


# ---- admission ----

def school_seats(session: Session, year: int, level: str | None = None) -> pd.DataFrame:
    admitted = func.sum(case((Application.status == ApplicationStatus.ADMITTED, 1), else_=0))
    applied = func.count(Application.id)
    stmt = (select(School.id, School.name, School.level, School.ownership, School.lat, School.lon,
                   func.coalesce(SeatPlan.planned, 0).label("planned"), func.coalesce(applied, 0).label("applied"),
                   func.coalesce(admitted, 0).label("admitted"))
            .outerjoin(SeatPlan, (SeatPlan.school_id == School.id) & (SeatPlan.year == year))
            .outerjoin(Application, (Application.school_id == School.id) & (Application.year == year)
                       & Application.status.notin_([ApplicationStatus.WITHDRAWN, ApplicationStatus.REJECTED]))
            .group_by(School.id, School.name, School.level, School.ownership, School.lat, School.lon, SeatPlan.planned)
            .order_by(School.id))
    if level:
        stmt = stmt.where(School.level == level)
    frame = pd.DataFrame(session.execute(stmt).all(),
                         columns=["id", "name", "level", "ownership", "lat", "lon", "planned", "applied", "admitted"])
    frame["fill"] = (frame["admitted"] / frame["planned"].where(frame["planned"] > 0)).fillna(0).round(3)
    return frame


def catchments(session: Session, level: str | None = None) -> list[dict]:
    stmt = select(School.id, School.name, School.level, School.catchment).where(School.catchment.is_not(None))
    if level:
        stmt = stmt.where(School.level == level)
    return [{"id": i, "name": n, "level": str(lv), "geometry": g} for i, n, lv, g in session.execute(stmt)]


def applications_by_category(session: Session, year: int, level: str | None = None) -> pd.DataFrame:
    stmt = (select(Application.category, Application.status, func.count().label("count"))
            .where(Application.year == year).group_by(Application.category, Application.status))
    if level:
        stmt = stmt.where(Application.level == level)
    return pd.DataFrame(session.execute(stmt).all(), columns=["category", "status", "count"])


# ---- green coins ----

def behaviour_mix(session: Session, start: date, end: date, community: str | None = None) -> pd.DataFrame:
    lo, hi = bounds(start, end)
    stmt = (select(Behavior.name, func.sum(LedgerEntry.amount).label("coins"), func.sum(LedgerEntry.co2e_g).label("co2e_g"))
            .join(Behavior, Behavior.code == LedgerEntry.behavior_code)
            .where(LedgerEntry.kind == EntryKind.EARN, LedgerEntry.created_at >= lo, LedgerEntry.created_at < hi)
            .group_by(Behavior.name).order_by(func.sum(LedgerEntry.amount).desc()))
    if community:
        stmt = stmt.join(Citizen, Citizen.id == LedgerEntry.citizen_id).where(Citizen.community == community)
    frame = pd.DataFrame(session.execute(stmt).all(), columns=["behaviour", "coins", "co2e_g"])
    return frame.astype({"coins": int, "co2e_g": float})


def behaviour_points(session: Session, start: date, end: date) -> pd.DataFrame:
    """Where green behaviour happens: device reports binned to ~100 m cells in SQL."""
    lo, hi = bounds(start, end)
    lat, lon = func.round(cast(LedgerEntry.lat, Numeric), 3), func.round(cast(LedgerEntry.lon, Numeric), 3)
    rows = session.execute(select(lat.label("lat"), lon.label("lon"), func.count().label("count"))
                           .where(LedgerEntry.lat.is_not(None), LedgerEntry.created_at >= lo, LedgerEntry.created_at < hi)
                           .group_by(lat, lon)).all()
    return pd.DataFrame(rows, columns=["lat", "lon", "count"]).astype({"lat": float, "lon": float, "count": int})


def stations(session: Session) -> pd.DataFrame:
    rows = session.execute(select(Station.id, Station.name, Station.community, Station.lat, Station.lon)).all()
    return pd.DataFrame(rows, columns=["id", "name", "community", "lat", "lon"])


def stock_alerts(session: Session) -> pd.DataFrame:
    rows = session.execute(select(Station.name, Reward.name, RewardStock.stock, RewardStock.alert_below)
                           .join(Station, Station.id == RewardStock.station_id).join(Reward, Reward.id == RewardStock.reward_id)
                           .where(RewardStock.stock < RewardStock.alert_below).order_by(RewardStock.stock)).all()
    return pd.DataFrame(rows, columns=["station", "reward", "stock", "alert_below"])


# ---- 海洋云仓 ----

def port_totals(session: Session, start: date, end: date, port_id: int | None = None) -> pd.DataFrame:
    lo, hi = bounds(start, end)
    collected_kg = func.coalesce(func.sum(BookingItem.qty_kg), 0)
    stmt = (select(Port.id, Port.name, Port.lat, Port.lon, func.count(distinct(Booking.id)).label("pickups"),
                   (collected_kg / 1000).label("tonnes"))
            .outerjoin(Booking, (Booking.port_id == Port.id) & (Booking.status == BookingStatus.COLLECTED)
                       & (Booking.collected_at >= lo) & (Booking.collected_at < hi))
            .outerjoin(BookingItem, BookingItem.booking_id == Booking.id)
            .group_by(Port.id, Port.name, Port.lat, Port.lon).order_by(Port.id))
    if port_id:
        stmt = stmt.where(Port.id == port_id)
    frame = pd.DataFrame(session.execute(stmt).all(), columns=["id", "name", "lat", "lon", "pickups", "tonnes"])
    return frame.astype({"pickups": int, "tonnes": float})


def tonnes_by_type_and_month(session: Session, start: date, end: date, port_id: int | None = None) -> pd.DataFrame:
    lo, hi = bounds(start, end)
    month = local_month(session, Booking.collected_at)
    stmt = (select(month.label("month"), PollutantType.name, (func.sum(BookingItem.qty_kg) / 1000).label("tonnes"))
            .join(Booking, Booking.id == BookingItem.booking_id)
            .join(PollutantType, PollutantType.code == BookingItem.pollutant_code)
            .where(Booking.status == BookingStatus.COLLECTED, Booking.collected_at >= lo, Booking.collected_at < hi)
            .group_by(month, PollutantType.name).order_by(month))
    if port_id:
        stmt = stmt.where(Booking.port_id == port_id)
    return pd.DataFrame(session.execute(stmt).all(), columns=["month", "pollutant", "tonnes"]).astype({"tonnes": float})


def vessels_by_color(session: Session) -> pd.DataFrame:
    rows = session.execute(select(Vessel.credit_color, func.count()).group_by(Vessel.credit_color)).all()
    return pd.DataFrame([(str(c), n) for c, n in rows], columns=["color", "vessels"])


def overdue_bookings(session: Session, port_id: int | None = None) -> pd.DataFrame:
    """Confirmed bookings whose window has ended without collection, and recent no-shows."""
    now = utcnow()
    stmt = (select(Booking.id, Vessel.vessel_no, Port.name, Booking.slot_start, Booking.status, Citizen.name)
            .join(Vessel, Vessel.id == Booking.vessel_id).join(Port, Port.id == Booking.port_id)
            .outerjoin(Citizen, Citizen.id == Booking.booked_by)
            .where(((Booking.status == BookingStatus.CONFIRMED) & (Booking.slot_end < now))
                   | (Booking.status == BookingStatus.NO_SHOW))
            .order_by(Booking.slot_start.desc()).limit(200))
    if port_id:
        stmt = stmt.where(Booking.port_id == port_id)
    rows = [(i, no, port, start.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
             "未到" if str(status) == "no_show" else "逾期未收", mask_name(name) if name else "")
            for i, no, port, start, status, name in session.execute(stmt)]
    return pd.DataFrame(rows, columns=["booking", "vessel_no", "port", "window", "state", "captain"])


# ---- notifications ----

def message_counts(session: Session, start: date, end: date) -> dict[str, int]:
    lo, hi = bounds(start, end)
    rows = session.execute(select(SmsMessage.status, func.count()).where(
        SmsMessage.created_at >= lo, SmsMessage.created_at < hi).group_by(SmsMessage.status)).all()
    return {str(status): count for status, count in rows}


def messages_by_day(session: Session, start: date, end: date) -> pd.DataFrame:
    lo, hi = bounds(start, end)
    day = local_day(session, SmsMessage.created_at)
    rows = session.execute(select(day.label("day"), SmsMessage.status, func.count())
                           .where(SmsMessage.created_at >= lo, SmsMessage.created_at < hi)
                           .group_by(day, SmsMessage.status).order_by(day)).all()
    return pd.DataFrame([(d, str(s), n) for d, s, n in rows], columns=["day", "status", "count"])


def messages_by_template(session: Session, start: date, end: date) -> pd.DataFrame:
    """Messages per kind of text, with the share that reached the phone."""
    lo, hi = bounds(start, end)
    delivered = func.sum(case((SmsMessage.status == "delivered", 1), else_=0))
    rows = session.execute(select(SmsMessage.template, func.count(), delivered)
                           .where(SmsMessage.created_at >= lo, SmsMessage.created_at < hi)
                           .group_by(SmsMessage.template).order_by(func.count().desc())).all()
    return pd.DataFrame([(_template_title(t), n, int(d or 0)) for t, n, d in rows],
                        columns=["template", "count", "delivered"])


def _template_title(code: str) -> str:
    return TEMPLATES[code].title if code in TEMPLATES else code


def recent_failures(session: Session, limit: int = 50) -> pd.DataFrame:
    rows = session.execute(select(SmsMessage.id, SmsMessage.created_at, SmsMessage.phone, SmsMessage.template,
                                  SmsMessage.status, SmsMessage.attempts, SmsMessage.last_error)
                           .where(SmsMessage.status.in_(["failed", "undelivered"]))
                           .order_by(SmsMessage.id.desc()).limit(limit)).all()
    return pd.DataFrame([(i, at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"), mask_phone(p), _template_title(t),
                          str(s), a, e) for i, at, p, t, s, a, e in rows],
                        columns=["id", "created", "phone", "template", "status", "attempts", "last_error"])
