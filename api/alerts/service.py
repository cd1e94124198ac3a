"""趋势预警: find days on which a daily series left its own history, open each alert once, text the bureau's duty
official; officials of that bureau acknowledge, assign and close them (the cockpit and the API call these).

The test is a robust z-score: the day's value against the median of the previous ``HISTORY_DAYS`` days, in units
of their median absolute deviation (×1.4826, the normal-consistent scale; numpy computes it). A median and a MAD
are not moved by the few odd days a history holds, so one storm or one holiday does not hide the next.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.alerts import facts
from api.alerts.models import Alert, AlertStatus, DutyOfficial
from api.auth.models import StaffUser
from api.auth.roles import BUREAU_OF_ROLE, bureaus_of
from api.common.db import local_now, unit_of_work, utcnow
from api.common.pii import normalize_phone
from api.errors import Conflict, NotFound, ValidationFailed
from api.greencoins.models import DeviceEvent, Reward, RewardStock, Station
from api.notify.service import enqueue
from api.notify.templates import TEMPLATES

HISTORY_DAYS = 28
MIN_HISTORY_DAYS = 14  # fewer days with data than this: no judgement yet
THRESHOLD = 3.5  # |robust z| at or above this opens an alert (Iglewicz & Hoaglin's usual cut-off)
BUREAU_TITLES = {"admission": "教育局", "greencoins": "生态环境局", "pickup": "海洋与渔业局"}


@dataclass(frozen=True)
class Series:
    metric: str
    bureau: str
    title: str
    values: Callable[[Session, date, date], dict[str, float]]  # day -> value over [start, end]
    floor: float = 1.0  # the smallest deviation scale: a flat history of counts still tolerates ±1


def _metric_per_day(metric: str, dims: list[str] | None = None) -> Callable[[Session, date, date], dict[str, float]]:
    return lambda session, start, end: facts.grouped(session, metric, start, end, by="day", dims=dims)


def _sms_failure_rate(bureau: str) -> Callable[[Session, date, date], dict[str, float]]:
    """The share of a bureau's texts that failed or were not delivered, per day."""
    codes = [code for code in TEMPLATES if facts.template_bureau(code) == bureau]

    def values(session: Session, start: date, end: date) -> dict[str, float]:
        total = facts.grouped(session, "sms", start, end, by="day", dims=[f"{c}|%" for c in codes])
        failed = facts.grouped(session, "sms", start, end, by="day", dims=[f"{c}|{s}" for c in codes for s in ("failed", "undelivered")])
        return {day: failed.get(day, 0.0) / n for day, n in total.items() if n}

    return values


def _device_events(session: Session, start: date, end: date) -> dict[str, float]:
    lo, hi = facts.bounds(start, end)
    day = facts.local_day(session, DeviceEvent.created_at)
    rows = session.execute(select(day, func.count()).where(DeviceEvent.created_at >= lo, DeviceEvent.created_at < hi).group_by(day)).all()
    return {d: float(n) for d, n in rows}


SERIES = (
    Series("coins_issued", "greencoins", "每日发放绿币", _metric_per_day("coins_issued"), floor=10.0),
    Series("device_events", "greencoins", "设备上报次数(异常设备)", _device_events),
    Series("pickups", "pickup", "每日接收转移(艘次)", _metric_per_day("pickups")),
    Series("no_shows", "pickup", "每日预约未到(次)", _metric_per_day("no_shows")),
    Series("applications", "admission", "每日入学报名(份)", _metric_per_day("applications")),
    *(Series(f"sms_failure_rate:{b}", b, "短信失败率", _sms_failure_rate(b), floor=0.02) for b in ("admission", "greencoins", "pickup")),
)


def robust_z(history: list[float], value: float, floor: float) -> tuple[float, float]:
    """(score, baseline): how many robust standard deviations ``value`` lies from the history's median."""
    values = np.asarray(history, dtype=float)
    median = float(np.median(values))
    mad = float(np.median(np.abs(values - median))) * 1.4826
    return (value - median) / max(mad, floor), median


def _history(values: dict[str, float], day: date, since: date | None) -> list[float]:
    days = [day - timedelta(days=i) for i in range(HISTORY_DAYS, 0, -1)]
    return [values.get(d.isoformat(), 0.0) for d in days if since is None or d >= since]


def scan(session: Session, *, day: date | None = None) -> list[Alert]:
    """Judge ``day`` (default: yesterday, the last whole day) for every series, plus stock below its alert line now;
    open the alerts not already open for that series and day and text each bureau's duty official. Idempotent."""
    day = day or local_now().date() - timedelta(days=1)
    start = day - timedelta(days=HISTORY_DAYS)
    opened: list[Alert] = []
    with unit_of_work(session):
        for series in SERIES:
            values = series.values(session, start, day)
            known = sorted(d for d, v in values.items() if v)
            since = date.fromisoformat(known[0]) if known else None
            history = _history(values, day, since)
            if len(history) < MIN_HISTORY_DAYS:
                continue
            value = values.get(day.isoformat(), 0.0)
            score, baseline = robust_z(history, value, series.floor)
            if abs(score) >= THRESHOLD:
                direction = "偏高" if score > 0 else "偏低"
                title = f"{series.title}{direction}:{_fmt(value)}(近{len(history)}日中位数 {_fmt(baseline)})"
                opened += _open(session, series.bureau, series.metric, "", day, title, value, baseline, score)
        for station_id, station, reward_id, reward, stock, line in session.execute(
            select(Station.id, Station.name, Reward.id, Reward.name, RewardStock.stock, RewardStock.alert_below)
            .join(Station, Station.id == RewardStock.station_id)
            .join(Reward, Reward.id == RewardStock.reward_id)
            .where(RewardStock.stock < RewardStock.alert_below)
        ):
            title = f"{station}「{reward}」库存 {stock},低于预警线 {line}"
            opened += _open(session, "greencoins", "stock", f"{station_id}|{reward_id}", day, title, stock, line, 0.0)
    return opened


def _fmt(value: float) -> str:
    return f"{value:.1%}" if 0 < abs(value) < 1 else f"{value:,.0f}"


def _open(
    session: Session, bureau: str, metric: str, dim: str, day: date, title: str, value: float, baseline: float, score: float
) -> list[Alert]:
    exists = session.scalar(select(Alert.id).where(Alert.metric == metric, Alert.dim == dim, Alert.day == day))
    if exists is not None:
        return []
    alert = Alert(bureau=bureau, metric=metric, dim=dim, day=day, title=title, value=value, baseline=baseline, score=round(score, 2))
    session.add(alert)
    duty = session.get(DutyOfficial, bureau)
    if duty is not None:
        params = {"bureau": BUREAU_TITLES[bureau], "title": title, "day": day.isoformat()}
        enqueue(session, duty.phone, "alert_opened", params, dedupe_key=f"alert:{metric}:{dim}:{day.isoformat()}")
    return [alert]


# ---- officials' actions (every one checks the bureau: another bureau's alert does not exist for them) ----


def alerts_for(session: Session, roles: list[str] | tuple[str, ...], *, status: str | None = None, limit: int = 100) -> list[Alert]:
    stmt = select(Alert).where(Alert.bureau.in_(bureaus_of(roles))).order_by(Alert.day.desc(), Alert.id.desc()).limit(limit)
    if status == "active":
        stmt = stmt.where(Alert.status != AlertStatus.CLOSED)
    elif status:
        stmt = stmt.where(Alert.status == status)
    return list(session.scalars(stmt))


def _own_alert(session: Session, alert_id: int, roles, *, lock: bool = True) -> Alert:
    stmt = select(Alert).where(Alert.id == alert_id)
    alert = session.scalar(stmt.with_for_update() if lock else stmt)
    if alert is None or alert.bureau not in bureaus_of(roles):
        raise NotFound("预警不存在 (alert not found)")
    if alert.status == AlertStatus.CLOSED:
        raise Conflict("预警已关闭 (alert already closed)")
    return alert


def acknowledge(session: Session, alert_id: int, *, actor: str, roles) -> Alert:
    with unit_of_work(session):
        alert = _own_alert(session, alert_id, roles)
        if alert.acknowledged_at is None:
            alert.acknowledged_at, alert.acknowledged_by = utcnow(), actor
        if alert.status == AlertStatus.OPEN:
            alert.status = AlertStatus.ACKNOWLEDGED
    return alert


def assign(session: Session, alert_id: int, assignee: str, *, actor: str, roles) -> Alert:
    """Hand an alert to an official of its bureau (or an admin)."""
    with unit_of_work(session):
        alert = _own_alert(session, alert_id, roles)
        staff = session.scalar(select(StaffUser).where(StaffUser.username == assignee, StaffUser.active.is_(True)))
        if staff is None or alert.bureau not in bureaus_of(staff.roles):
            raise ValidationFailed(details={"assignee": [f"不是{BUREAU_TITLES[alert.bureau]}的在岗人员 (not an official of this bureau)"]})
        alert.assignee_id = staff.id
        if alert.acknowledged_at is None:
            alert.acknowledged_at, alert.acknowledged_by = utcnow(), actor
        alert.status = AlertStatus.ASSIGNED
    return alert


def close(session: Session, alert_id: int, note: str, *, actor: str, roles) -> Alert:
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(details={"note": ["请填写处理结果 (say what was done)"]})
    with unit_of_work(session):
        alert = _own_alert(session, alert_id, roles)
        alert.status, alert.note, alert.closed_at, alert.closed_by = AlertStatus.CLOSED, note[:1000], utcnow(), actor
    return alert


def set_duty(session: Session, bureau: str, name: str, phone: str) -> DutyOfficial:
    if bureau not in BUREAU_OF_ROLE.values():
        raise ValidationFailed(details={"bureau": [f"应为 {sorted(BUREAU_OF_ROLE.values())} 之一"]})
    with unit_of_work(session):
        duty = session.get(DutyOfficial, bureau) or DutyOfficial(bureau=bureau)
        duty.name, duty.phone = name, normalize_phone(phone)
        session.add(duty)
    return duty
