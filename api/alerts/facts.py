"""Daily roll-ups (GOV.UK Notify's fact tables): each metric's per-day aggregate, rebuilt a day at a time.

A reader asks for a metric over a date range and gets the stored days (``ft_daily``, up to ``rolled_through``)
followed by the live aggregate of the later days (normally today alone, over an indexed time range), so a page
costs the number of days it shows, not the number of events behind them. ``rollup`` (scheduled) rebuilds the
days since the last run plus a few before it (late deliveries, late collections): delete the day's rows, insert
its aggregate, idempotent and safe to re-run. Before the first roll-up everything is read live.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from fnmatch import fnmatchcase
from typing import Any

from sqlalchemy import ColumnElement, Numeric, case, cast, delete, distinct, func, insert, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from api.admission.models import Application
from api.alerts.models import ApplicationCount, DailyFact, RollupState, VesselServed
from api.auth.models import Citizen
from api.common.db import SHANGHAI, local_now, unit_of_work, utcnow
from api.greencoins.models import EntryKind, LedgerEntry
from api.notify import templates
from api.notify.models import SmsMessage
from api.pickup.models import Booking, BookingItem, BookingStatus

STATE = "daily"
REDO_DAYS = 3  # days before the last roll-up rebuilt again: SMS delivered, bookings closed after midnight

Row = tuple[str, str, float]  # (local day 'YYYY-MM-DD', dimension, value)


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """A local (Shanghai) date range as instants, end day inclusive."""
    return datetime.combine(start, time(0), SHANGHAI), datetime.combine(end + timedelta(days=1), time(0), SHANGHAI)


def local_day(session: Session, column: Any) -> ColumnElement[str]:
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", column), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", column, "+8 hours")


def _rows(session: Session, stmt, dim: Callable[..., str]) -> list[Row]:
    return [(row[0], dim(*row[1:-1]), float(row[-1] or 0)) for row in session.execute(stmt)]  # (day, *dimensions, value)


def _pickups(session: Session, lo: datetime, hi: datetime) -> list[Row]:
    day = local_day(session, Booking.collected_at)
    stmt = (
        select(day, Booking.port_id, func.count())
        .where(Booking.status == BookingStatus.COLLECTED, Booking.collected_at >= lo, Booking.collected_at < hi)
        .group_by(day, Booking.port_id)
    )
    return _rows(session, stmt, str)


def _pickup_kg(session: Session, lo: datetime, hi: datetime) -> list[Row]:
    day = local_day(session, Booking.collected_at)
    stmt = (
        select(day, Booking.port_id, BookingItem.pollutant_code, func.sum(BookingItem.qty_kg))
        .join(BookingItem, BookingItem.booking_id == Booking.id)
        .where(Booking.status == BookingStatus.COLLECTED, Booking.collected_at >= lo, Booking.collected_at < hi)
        .group_by(day, Booking.port_id, BookingItem.pollutant_code)
    )
    return _rows(session, stmt, lambda port, code: f"{port}|{code}")


def _no_shows(session: Session, lo: datetime, hi: datetime) -> list[Row]:
    day = local_day(session, Booking.slot_start)
    stmt = (
        select(day, Booking.port_id, func.count())
        .where(Booking.status == BookingStatus.NO_SHOW, Booking.slot_start >= lo, Booking.slot_start < hi)
        .group_by(day, Booking.port_id)
    )
    return _rows(session, stmt, str)


def _earned(value_column) -> Callable[[Session, datetime, datetime], list[Row]]:
    def aggregate(session: Session, lo: datetime, hi: datetime) -> list[Row]:
        day = local_day(session, LedgerEntry.created_at)
        stmt = (
            select(day, LedgerEntry.behavior_code, Citizen.community, func.sum(value_column))
            .join(Citizen, Citizen.id == LedgerEntry.citizen_id)
            .where(LedgerEntry.kind == EntryKind.EARN, LedgerEntry.created_at >= lo, LedgerEntry.created_at < hi)
            .group_by(day, LedgerEntry.behavior_code, Citizen.community)
        )
        return _rows(session, stmt, lambda code, community: f"{code or ''}|{community or ''}")

    return aggregate


def _coins_redeemed(session: Session, lo: datetime, hi: datetime) -> list[Row]:
    day = local_day(session, LedgerEntry.created_at)
    stmt = (
        select(day, -func.sum(LedgerEntry.amount))
        .where(LedgerEntry.kind.in_([EntryKind.REDEEM, EntryKind.REFUND]), LedgerEntry.created_at >= lo, LedgerEntry.created_at < hi)
        .group_by(day)
    )
    return _rows(session, stmt, lambda: "")


def _green_cells(session: Session, lo: datetime, hi: datetime) -> list[Row]:
    day = local_day(session, LedgerEntry.created_at)
    # ~250 m cells (1/400 degree), the size the heat map draws: the cells of a day are bounded by the area, not the events
    lat, lon = func.round(cast(LedgerEntry.lat * 400, Numeric)), func.round(cast(LedgerEntry.lon * 400, Numeric))
    stmt = (
        select(day, lat, lon, func.count())
        .where(LedgerEntry.lat.is_not(None), LedgerEntry.created_at >= lo, LedgerEntry.created_at < hi)
        .group_by(day, lat, lon)
    )
    return _rows(session, stmt, lambda la, lo_: f"{float(la) / 400:.4f},{float(lo_) / 400:.4f}")


def _sms(session: Session, lo: datetime, hi: datetime) -> list[Row]:
    day = local_day(session, SmsMessage.created_at)
    stmt = (
        select(day, SmsMessage.template, SmsMessage.status, func.count())
        .where(SmsMessage.created_at >= lo, SmsMessage.created_at < hi)
        .group_by(day, SmsMessage.template, SmsMessage.status)
    )
    return _rows(session, stmt, lambda template, status: f"{template}|{status}")


def _applications(session: Session, lo: datetime, hi: datetime) -> list[Row]:
    day = local_day(session, Application.submitted_at)
    stmt = (
        select(day, Application.level, Application.category, func.count())
        .where(Application.submitted_at >= lo, Application.submitted_at < hi)
        .group_by(day, Application.level, Application.category)
    )
    return _rows(session, stmt, lambda level, category: f"{level}|{category}")


@dataclass(frozen=True)
class Metric:
    bureau: str | None  # whose officials see it; None: every bureau (each sees its own share, e.g. SMS by template)
    title: str
    aggregate: Callable[[Session, datetime, datetime], list[Row]]


METRICS: dict[str, Metric] = {
    "pickups": Metric("pickup", "接收转移(艘次)", _pickups),
    "pickup_kg": Metric("pickup", "回收污染物(千克)", _pickup_kg),
    "no_shows": Metric("pickup", "预约未到(次)", _no_shows),
    "coins_issued": Metric("greencoins", "发放绿币", _earned(LedgerEntry.amount)),
    "co2e_g": Metric("greencoins", "减碳(克 CO₂e)", _earned(LedgerEntry.co2e_g)),
    "coins_redeemed": Metric("greencoins", "兑换绿币", _coins_redeemed),
    "green_cells": Metric("greencoins", "绿色行为(次)", _green_cells),
    "sms": Metric(None, "短信(条)", _sms),
    "applications": Metric("admission", "入学报名(份)", _applications),
}


def template_bureau(code: str) -> str | None:
    return templates.template_bureau(code)  # the mapping's home is api/notify/templates.py


def rolled_through(session: Session) -> date | None:
    return session.scalar(select(RollupState.rolled_through).where(RollupState.name == STATE))


def series(session: Session, metric: str, start: date | None, end: date) -> list[Row]:
    """The metric per day and dimension over [start, end] (start None: since the beginning): stored days, then
    the live aggregate of the days not rolled up yet."""
    through = rolled_through(session)
    rows: list[Row] = []
    if through is not None and (start is None or start <= through):
        stored = select(DailyFact.day, DailyFact.dim, DailyFact.value).where(DailyFact.metric == metric, DailyFact.day <= min(end, through))
        if start is not None:
            stored = stored.where(DailyFact.day >= start)
        rows = [(d.isoformat(), dim, value) for d, dim, value in session.execute(stored)]
    live_start = through + timedelta(days=1) if through is not None else start
    if live_start is not None and start is not None:
        live_start = max(live_start, start)
    if live_start is None or live_start <= end:
        lo, hi = bounds(live_start or date(1970, 1, 1), end)
        rows += METRICS[metric].aggregate(session, lo, hi)
    return rows


def vessels_served(session: Session) -> int:
    """Vessels collected from at least once: the roll-up's list plus today's first-timers."""
    through = rolled_through(session)
    if through is None:
        return int(session.scalar(select(func.count(distinct(Booking.vessel_id))).where(Booking.status == BookingStatus.COLLECTED)) or 0)
    lo, _hi = bounds(through + timedelta(days=1), through + timedelta(days=1))
    new = select(func.count(distinct(Booking.vessel_id))).where(
        Booking.status == BookingStatus.COLLECTED,
        Booking.collected_at >= lo,
        Booking.vessel_id.not_in(select(VesselServed.vessel_id)),
    )
    return int(session.scalar(select(func.count()).select_from(VesselServed)) or 0) + int(session.scalar(new) or 0)


def application_counts(session: Session, year: int) -> list[tuple[int, str, str, str, int]]:
    """(school_id, level, category, status, count) for an admission year: the roll-up's snapshot, else live."""
    if rolled_through(session) is not None:
        stmt = select(
            ApplicationCount.school_id, ApplicationCount.level, ApplicationCount.category, ApplicationCount.status, ApplicationCount.count
        )
        return [
            (school, level, category, status, n)
            for school, level, category, status, n in session.execute(stmt.where(ApplicationCount.year == year))
        ]
    return _live_application_counts(session, year)


def _live_application_counts(session: Session, year: int) -> list[tuple[int, str, str, str, int]]:
    stmt = (
        select(Application.school_id, Application.level, Application.category, Application.status, func.count())
        .where(Application.year == year)
        .group_by(Application.school_id, Application.level, Application.category, Application.status)
    )
    return [(school, str(level), category, str(status), n) for school, level, category, status, n in session.execute(stmt)]


# ---- the roll-up ----


def _first_day(session: Session) -> date | None:
    firsts = [
        session.scalar(select(func.min(LedgerEntry.created_at))),
        session.scalar(select(func.min(Booking.slot_start))),
        session.scalar(select(func.min(SmsMessage.created_at))),
        session.scalar(select(func.min(Application.submitted_at))),
    ]
    known = [f for f in firsts if f is not None]
    return min(known).astimezone(SHANGHAI).date() if known else None


def rebuild_day(session: Session, day: date) -> int:
    """Delete one day's facts and insert its aggregate again (idempotent). Returns the rows written."""
    lo, hi = bounds(day, day)
    written = 0
    with unit_of_work(session):
        session.execute(delete(DailyFact).where(DailyFact.day == day))
        for name, metric in METRICS.items():
            rows = [{"metric": name, "day": day, "dim": dim, "value": value} for _d, dim, value in metric.aggregate(session, lo, hi)]
            if rows:
                session.execute(insert(DailyFact), rows)
                written += len(rows)
        served = select(Booking.vessel_id).where(
            Booking.status == BookingStatus.COLLECTED, Booking.collected_at >= lo, Booking.collected_at < hi
        )
        known = set(session.scalars(select(VesselServed.vessel_id).where(VesselServed.vessel_id.in_(served))))
        new = sorted(set(session.scalars(served.distinct())) - known)
        if new:
            session.execute(insert(VesselServed), [{"vessel_id": v, "first_day": day} for v in new])
    return written


def refresh_application_counts(session: Session) -> None:
    """Current application counts per year, school, category and status (a small table, rebuilt whole)."""
    with unit_of_work(session):
        session.execute(delete(ApplicationCount))
        years = list(session.scalars(select(Application.year).distinct()))
        rows = [
            {"year": year, "school_id": s, "level": lv, "category": c, "status": st, "count": n}
            for year in years
            for s, lv, c, st, n in _live_application_counts(session, year)
        ]
        if rows:
            session.execute(insert(ApplicationCount), rows)


def rollup(session: Session, *, today: date | None = None, days: Iterable[date] | None = None) -> dict[str, object]:
    """Bring the fact tables up to yesterday: the days since the last run and ``REDO_DAYS`` before them."""
    today = today or local_now().date()
    yesterday = today - timedelta(days=1)
    through = rolled_through(session)
    if days is None:
        first = through - timedelta(days=REDO_DAYS) if through is not None else _first_day(session)
        days = [first + timedelta(days=i) for i in range((yesterday - first).days + 1)] if first is not None else []
    days = list(days)
    written = sum(rebuild_day(session, day) for day in days)
    refresh_application_counts(session)
    with unit_of_work(session):
        state = session.get(RollupState, STATE) or RollupState(name=STATE)
        state.rolled_through = max(yesterday, through) if through else yesterday
        state.rolled_at = utcnow()
        session.add(state)
    return {"days": len(days), "rows": written, "rolled_through": yesterday.isoformat()}


def _like(patterns: list[str] | None) -> ColumnElement[bool] | None:
    if not patterns:
        return None
    clause: ColumnElement[bool] = DailyFact.dim.like(patterns[0])
    for pattern in patterns[1:]:
        clause = clause | DailyFact.dim.like(pattern)
    return clause


def _matches(dim: str, patterns: list[str] | None) -> bool:
    return not patterns or any(fnmatchcase(dim, p.replace("%", "*").replace("_", "?")) for p in patterns)


def grouped(
    session: Session, metric: str, start: date | None, end: date, by: str = "day", dims: list[str] | None = None
) -> dict[str, float]:
    """The metric summed per ``day`` or per ``dim`` over [start, end], keeping dimensions that match one of the SQL
    LIKE patterns ``dims`` (None: all). Stored days are summed in SQL, later days live."""
    through = rolled_through(session)
    out: dict[str, float] = {}
    if through is not None and (start is None or start <= through):
        key: InstrumentedAttribute[Any] = DailyFact.day if by == "day" else DailyFact.dim  # a date or a dimension string
        stmt = select(key, func.sum(DailyFact.value)).where(DailyFact.metric == metric, DailyFact.day <= min(end, through)).group_by(key)
        if start is not None:
            stmt = stmt.where(DailyFact.day >= start)
        if (clause := _like(dims)) is not None:
            stmt = stmt.where(clause)
        for row in session.execute(stmt):  # (day or dim, value)
            out[row[0].isoformat() if by == "day" else row[0]] = float(row[1] or 0)
    live_start = through + timedelta(days=1) if through is not None else start
    if live_start is not None and start is not None:
        live_start = max(live_start, start)
    if live_start is None or live_start <= end:
        lo, hi = bounds(live_start or date(1970, 1, 1), end)
        for day, dim, value in METRICS[metric].aggregate(session, lo, hi):
            if _matches(dim, dims):
                k = day if by == "day" else dim
                out[k] = out.get(k, 0.0) + value
    return out


def total(session: Session, metric: str, start: date | None, end: date, dims: list[str] | None = None) -> float:
    return sum(grouped(session, metric, start, end, by="day", dims=dims).values())


def totals(session: Session, metric: str, periods: dict[str, tuple[date | None, date]], dims: list[str] | None = None) -> dict[str, float]:
    """The metric summed over several periods at once (``None`` start: since the beginning): one query over the
    stored days, one live aggregate of the days after them, shared by every period."""
    through = rolled_through(session)
    out = dict.fromkeys(periods, 0.0)
    if through is not None:
        sums = [
            func.sum(case((DailyFact.day >= start, DailyFact.value), else_=0) if start else DailyFact.value)
            if end >= through
            else func.sum(case(((DailyFact.day >= (start or date.min)) & (DailyFact.day <= end), DailyFact.value), else_=0))
            for start, end in periods.values()
        ]
        stmt = select(*sums).where(DailyFact.metric == metric)
        if (clause := _like(dims)) is not None:
            stmt = stmt.where(clause)
        values: Sequence[Any] = session.execute(stmt).one()  # one sum per period
        for name, value in zip(periods, values, strict=True):
            out[name] = float(value or 0)
    last = max(end for _s, end in periods.values())
    first_live = through + timedelta(days=1) if through is not None else min((s or date(1970, 1, 1)) for s, _e in periods.values())
    if first_live <= last:
        for day, dim, value in METRICS[metric].aggregate(session, *bounds(first_live, last)):
            if _matches(dim, dims):
                d = date.fromisoformat(day)
                for name, (start, end) in periods.items():
                    if (start is None or d >= start) and d <= end:
                        out[name] += value
    return out
