"""The cockpit's aggregations: plain functions of a session, reused by the pages (cached) and the tests.

Series over time come from the daily roll-ups (``api/alerts/facts.py``: stored days + today's live aggregate), so a
page costs the days it shows, not the events behind them. Current-state tables (schools, ports, stations, vessels)
are read directly: they grow with the district, not with history. Every function that shows a bureau's data
takes ``bureaus`` and returns only theirs.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.admission import reports
from api.admission.models import School, SeatPlan
from api.alerts import facts
from api.auth.models import Citizen
from api.common.db import SHANGHAI, local_now, utcnow
from api.common.pii import mask_name, mask_phone
from api.greencoins import budget, manage, projects
from api.greencoins.models import Behavior, Reward, RewardStock, Station
from api.labels import label
from api.notify.models import SmsMessage
from api.notify.templates import TEMPLATES
from api.pickup import oversight
from api.pickup.models import Booking, BookingStatus, CreditColor, PollutantType, Port, Vessel

ALL_BUREAUS = frozenset({"admission", "greencoins", "pickup"})
LEVELS = {"primary": "小学", "junior": "初中"}


def today() -> date:
    return local_now().date()


def previous(start: date, end: date) -> tuple[date, date]:
    """The period of the same length just before [start, end] (for 环比 deltas)."""
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


# ---- overview ----


def headline(session: Session, start: date, end: date, bureaus: frozenset[str] = ALL_BUREAUS) -> dict:
    """Each bureau's headline numbers: cumulative, in the range, in the previous range of the same length, today."""
    now = today()
    before = previous(start, end)
    out: dict[str, dict] = {}

    periods = {"total": (None, now), "range": (start, end), "previous": before, "today": (now, now)}

    def flow(metric: str, scale: float = 1.0) -> dict[str, float]:
        return {name: value * scale for name, value in facts.totals(session, metric, periods).items()}

    if "pickup" in bureaus:
        out["pickup"] = {"vessels_served": vessels_served(session), "pickups": flow("pickups"), "tonnes": flow("pickup_kg", 0.001)}
    if "greencoins" in bureaus:
        out["greencoins"] = {"issued": flow("coins_issued"), "redeemed": flow("coins_redeemed"), "co2e_kg": flow("co2e_g", 0.001)}
    if "admission" in bureaus:
        year = admission_year()
        by_status: dict[str, int] = {}
        for _school, _level, _category, status, count in facts.application_counts(session, year):
            by_status[status] = by_status.get(status, 0) + count
        out["admission"] = {"year": year, "applications": by_status, "submitted": flow("applications")}
    return out


def admission_year() -> int:
    from api.admission.service import admission_year as year_of

    return year_of(today())


def daily_trend(session: Session, start: date, end: date, bureaus: frozenset[str] = ALL_BUREAUS) -> pd.DataFrame:
    """Per day: pickups and tonnes (海洋), coins issued and redeemed (绿币), applications submitted (教育), each only
    for the bureaus given."""
    frame = pd.DataFrame({"day": [d.isoformat() for d in pd.date_range(start, end).date]})
    columns = {
        "pickup": [("pickups", "pickups", 1.0), ("tonnes", "pickup_kg", 0.001)],
        "greencoins": [("coins_issued", "coins_issued", 1.0), ("coins_redeemed", "coins_redeemed", 1.0)],
        "admission": [("applications", "applications", 1.0)],
    }
    for bureau, metrics in columns.items():
        if bureau in bureaus:
            for column, metric, scale in metrics:
                per_day = facts.grouped(session, metric, start, end, by="day")
                frame[column] = [per_day.get(d, 0.0) * scale for d in frame["day"]]
    for column in ("pickups", "coins_issued", "coins_redeemed", "applications"):
        if column in frame:
            frame[column] = frame[column].round().astype(int)
    if "tonnes" in frame:
        frame["tonnes"] = frame["tonnes"].round(3)
    return frame


# ---- admission ----


def school_seats(session: Session, year: int, level: str | None = None) -> pd.DataFrame:
    applied: dict[int, int] = {}
    admitted: dict[int, int] = {}
    for school, _level, _category, status, count in facts.application_counts(session, year):
        if status not in ("withdrawn", "rejected"):
            applied[school] = applied.get(school, 0) + count
        if status == "admitted":
            admitted[school] = admitted.get(school, 0) + count
    stmt = (
        select(School.id, School.name, School.level, School.ownership, School.lat, School.lon, func.coalesce(SeatPlan.planned, 0))
        .outerjoin(SeatPlan, (SeatPlan.school_id == School.id) & (SeatPlan.year == year))
        .order_by(School.id)
    )
    if level:
        stmt = stmt.where(School.level == level)
    rows = [(i, n, str(lv), str(o), la, lo, p, applied.get(i, 0), admitted.get(i, 0)) for i, n, lv, o, la, lo, p in session.execute(stmt)]
    frame = pd.DataFrame(rows, columns=["id", "name", "level", "ownership", "lat", "lon", "planned", "applied", "admitted"])
    frame["fill"] = (frame["admitted"] / frame["planned"].where(frame["planned"] > 0)).fillna(0).round(3)
    return frame


def catchments(session: Session, level: str | None = None) -> list[dict]:
    stmt = select(School.id, School.name, School.level, School.catchment).where(School.catchment.is_not(None))
    if level:
        stmt = stmt.where(School.level == level)
    return [{"id": i, "name": n, "level": str(lv), "geometry": g} for i, n, lv, g in session.execute(stmt)]


def applications_by_category(session: Session, year: int, level: str | None = None) -> pd.DataFrame:
    counts: dict[tuple[str, str], int] = {}
    for _school, lv, category, status, count in facts.application_counts(session, year):
        if level is None or lv == level:
            counts[(category, status)] = counts.get((category, status), 0) + count
    return pd.DataFrame([(c, s, n) for (c, s), n in sorted(counts.items())], columns=["category", "status", "count"])


# ---- green coins ----


def allocation_results(session: Session, year: int, level: str | None = None) -> pd.DataFrame:
    """The latest real allocation run's line per school (each level's own latest run), from ``api.admission.reports``."""
    rows = []
    for lv in [level] if level else ["primary", "junior"]:
        for r in reports.latest_run_results(session, year, lv):
            cutoff = f"{r['cutoff_category']} 类" if r["cutoff_category"] else "—"
            if r["cutoff_points"] is not None:
                cutoff += f" {r['cutoff_points']} 分"
            rows.append(
                {
                    "学校": r["school"],
                    "学段": LEVELS.get(lv, lv),
                    "派位时间": r["run_at"].astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
                    "随机种子": r["seed"],
                    "计划学位": r["planned"],
                    "A类报名": r["applicants_a"],
                    "B类报名": r["applicants_b"],
                    "C类报名": r["applicants_c"],
                    "派位录取": r["offers"],
                    "候补": r["waitlist"],
                    "未派位": r["not_offered"],
                    "录取线": cutoff,
                    "现已录取": r["admitted_now"],
                    "待确认": r["offered_now"],
                    "现候补": r["waitlisted_now"],
                }
            )
    return pd.DataFrame(rows)


def open_reviews(session: Session, limit: int = 200) -> pd.DataFrame:
    """Review requests not yet answered, oldest first (children's names masked by ``api.admission.reports``)."""
    rows = [
        {
            "报名号": r["application_id"],
            "儿童": r["child_name"],
            "学校": r["school"],
            "学段": LEVELS.get(r["level"], r["level"]),
            "类别": r["category"],
            "报名状态": label("application_status", r["status"]),
            "复核理由": r["reason"],
            "申请时间": r["requested_at"].astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
            "已等待(天)": r["days_open"],
        }
        for r in reports.open_reviews(session, limit=limit)
    ]
    return pd.DataFrame(rows)


def _community(community: str | None) -> list[str] | None:
    return [f"%|{community}"] if community else None


def green_trend(session: Session, start: date, end: date, community: str | None = None) -> pd.DataFrame:
    """Coins issued per day (in one community when given) and redeemed per day (the district: redemptions are
    counted per station, not per resident's community)."""
    frame = pd.DataFrame({"day": [d.isoformat() for d in pd.date_range(start, end).date]})
    issued = facts.grouped(session, "coins_issued", start, end, by="day", dims=_community(community))
    redeemed = facts.grouped(session, "coins_redeemed", start, end, by="day")
    frame["coins_issued"] = [int(issued.get(d, 0)) for d in frame["day"]]
    frame["coins_redeemed"] = [int(redeemed.get(d, 0)) for d in frame["day"]]
    return frame


def behaviour_mix(session: Session, start: date, end: date, community: str | None = None) -> pd.DataFrame:
    names = dict(session.execute(select(Behavior.code, Behavior.name)).all())
    coins: dict[str, float] = {}
    co2e: dict[str, float] = {}
    for dim, value in facts.grouped(session, "coins_issued", start, end, by="dim", dims=_community(community)).items():
        code = dim.split("|", 1)[0]
        coins[code] = coins.get(code, 0) + value
    for dim, value in facts.grouped(session, "co2e_g", start, end, by="dim", dims=_community(community)).items():
        code = dim.split("|", 1)[0]
        co2e[code] = co2e.get(code, 0) + value
    rows = sorted(((names.get(c, c), int(v), float(co2e.get(c, 0))) for c, v in coins.items()), key=lambda r: -r[1])
    return pd.DataFrame(rows, columns=["behaviour", "coins", "co2e_g"]).astype({"coins": int, "co2e_g": float})


def behaviour_points(session: Session, start: date, end: date) -> pd.DataFrame:
    """Where green behaviour happens: device reports binned to ~100 m cells (the roll-up keeps the cells)."""
    cells = facts.grouped(session, "green_cells", start, end, by="dim")
    rows = [(float(k.split(",")[0]), float(k.split(",")[1]), int(v)) for k, v in cells.items()]
    return pd.DataFrame(rows, columns=["lat", "lon", "count"]).astype({"lat": float, "lon": float, "count": int})


def stations(session: Session) -> pd.DataFrame:
    rows = session.execute(select(Station.id, Station.name, Station.community, Station.lat, Station.lon)).all()
    return pd.DataFrame(rows, columns=["id", "name", "community", "lat", "lon"])


def stock_alerts(session: Session, community: str | None = None) -> pd.DataFrame:
    stmt = (
        select(Station.name, Reward.name, RewardStock.stock, RewardStock.alert_below)
        .join(Station, Station.id == RewardStock.station_id)
        .join(Reward, Reward.id == RewardStock.reward_id)
        .where(RewardStock.stock < RewardStock.alert_below)
        .order_by(RewardStock.stock)
    )
    if community:
        stmt = stmt.where(Station.community == community)
    return pd.DataFrame(session.execute(stmt).all(), columns=["station", "reward", "stock", "alert_below"])


# ---- 海洋云仓 ----


def budget_burn(session: Session) -> dict:
    """This month's budget, what is issued, the burn rate and the day it runs out at this rate (``api.greencoins.budget``)."""
    return dataclasses.asdict(budget.burn_rate(session))


def flagged_devices(session: Session, limit: int = 100) -> pd.DataFrame:
    """Partners whose devices sent implausible reports, most recent first (``api.greencoins.manage``)."""
    rows = [
        {
            "合作方": d["partner"],
            "异常次数": d["flags"],
            "最近一次": d["last_at"].astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
            "最近原因": d["last_reason"],
            "行为": d["last_behavior"],
        }
        for d in manage.flagged_devices(session, limit=limit)
    ]
    return pd.DataFrame(rows)


def green_projects(session: Session) -> pd.DataFrame:
    """Public-good projects with their progress, newest first (``api.greencoins.projects``)."""
    rows = [
        {
            "项目": p["title"],
            "地点": p["place"],
            "状态": label("project_status", str(p["status"])),
            "目标绿币": p["goal_coins"],
            "已募绿币": p["raised_coins"],
            "尚需绿币": p["remaining_coins"],
            "捐赠笔数": p["donations_count"],
            "进度": round(p["progress"] * 100, 1),
        }
        for p in projects.projects_with_progress(session)
    ]
    return pd.DataFrame(rows)


def port_totals(session: Session, start: date, end: date, port_id: int | None = None) -> pd.DataFrame:
    pickups = facts.grouped(session, "pickups", start, end, by="dim")
    kg: dict[str, float] = {}
    for dim, value in facts.grouped(session, "pickup_kg", start, end, by="dim").items():
        port = dim.split("|", 1)[0]
        kg[port] = kg.get(port, 0) + value
    stmt = select(Port.id, Port.name, Port.lat, Port.lon).order_by(Port.id)
    if port_id:
        stmt = stmt.where(Port.id == port_id)
    rows = [(i, n, la, lo, int(pickups.get(str(i), 0)), kg.get(str(i), 0) / 1000) for i, n, la, lo in session.execute(stmt)]
    return pd.DataFrame(rows, columns=["id", "name", "lat", "lon", "pickups", "tonnes"]).astype({"pickups": int, "tonnes": float})


def tonnes_by_type_and_month(session: Session, start: date, end: date, port_id: int | None = None) -> pd.DataFrame:
    names = dict(session.execute(select(PollutantType.code, PollutantType.name)).all())
    totals: dict[tuple[str, str], float] = {}
    for day, dim, value in facts.series(session, "pickup_kg", start, end):
        port, code = dim.split("|", 1)
        if port_id is None or port == str(port_id):
            key = (day[:7], names.get(code, code))
            totals[key] = totals.get(key, 0) + value / 1000
    rows = [(m, p, t) for (m, p), t in sorted(totals.items())]
    return pd.DataFrame(rows, columns=["month", "pollutant", "tonnes"]).astype({"tonnes": float})


def vessels_by_color(session: Session) -> pd.DataFrame:
    rows = session.execute(select(Vessel.credit_color, func.count()).group_by(Vessel.credit_color)).all()
    return pd.DataFrame([(str(c), n) for c, n in rows], columns=["color", "vessels"])


def vessels_served(session: Session) -> int:
    """服务渔船, the seed report's figure as ``api.pickup.oversight.season_figures`` states it: every vessel in the
    service. Counted alone: that function also sums every pickup ever made, which grows with history."""
    return session.scalar(select(func.count()).select_from(Vessel)) or 0


def season(session: Session) -> dict:
    """The seed report's headline figures (``api.pickup.oversight.season_figures``): vessels served, and the
    collected pickups and tonnes since the start, read from the daily roll-ups (stored days + today's live part)."""
    since_start = {"total": (None, today())}
    pickups = facts.totals(session, "pickups", since_start)["total"]
    kg = facts.totals(session, "pickup_kg", since_start)["total"]
    return {"vessels_served": vessels_served(session), "pickups": int(round(pickups)), "tonnes": round(kg / 1000, 1)}


def phone_bookings(session: Session, day: date | None = None) -> pd.DataFrame:
    """The day's bookings taken by phone, with who took the call (names masked; ``api.pickup.oversight``)."""
    rows = [
        {
            "预约号": b.id,
            "船号": b.vessel.vessel_no,
            "港口": b.port.name,
            "时段": f"{b.slot_start.astimezone(SHANGHAI):%m-%d %H:%M}–{b.slot_end.astimezone(SHANGHAI):%H:%M}",
            "状态": label("booking_status", str(b.status)),
            "受理调度员": mask_name(b.dispatcher or ""),
            "受理时间": b.created_at.astimezone(SHANGHAI).strftime("%H:%M"),
        }
        for b in oversight.phone_bookings(session, day)
    ]
    return pd.DataFrame(rows)


def open_missed_reports(session: Session, limit: int = 100) -> pd.DataFrame:
    """Open 漏收 reports, oldest first, with their age (``api.pickup.oversight``)."""
    rows = [
        {
            "报告号": r["id"],
            "预约号": r["booking_id"],
            "船号": r["vessel_no"],
            "港口": r["port"],
            "预约时段": f"{r['slot_start'].astimezone(SHANGHAI):%m-%d %H:%M}–{r['slot_end'].astimezone(SHANGHAI):%H:%M}",
            "报告时间": r["created_at"].astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
            "已等待(小时)": r["age_hours"],
        }
        for r in oversight.open_missed_reports(session, limit=limit)
    ]
    return pd.DataFrame(rows)


def vessels_with_reasons(session: Session, limit: int = 100) -> pd.DataFrame:
    """Red-coded vessels first, then yellow, each with the reasons behind its colour (``api.pickup.oversight``)."""
    rows = [
        {
            "船号": v["vessel_no"],
            "船名": v["name"],
            "信用码": label("credit_color", str(v["color"])),
            "信用分": v["score"],
            "原因": ";".join(v["reasons"]),
        }
        for color in (CreditColor.RED, CreditColor.YELLOW)
        for v in oversight.vessels_by_color(session, color, limit=limit)["items"]
    ]
    return pd.DataFrame(rows)


def overdue_bookings(session: Session, port_id: int | None = None, days: int = 30) -> pd.DataFrame:
    """Confirmed bookings whose window has ended without collection, and no-shows, of the last ``days`` days."""
    now = utcnow()
    stmt = (
        select(Booking.id, Vessel.vessel_no, Port.name, Booking.slot_start, Booking.status, Citizen.name)
        .join(Vessel, Vessel.id == Booking.vessel_id)
        .join(Port, Port.id == Booking.port_id)
        .outerjoin(Citizen, Citizen.id == Booking.booked_by)
        .where(
            Booking.status.in_([BookingStatus.CONFIRMED, BookingStatus.NO_SHOW]),
            Booking.slot_start >= now - timedelta(days=days),
            Booking.slot_end < now,
        )
        .order_by(Booking.slot_start.desc())
        .limit(200)
    )
    if port_id:
        stmt = stmt.where(Booking.port_id == port_id)
    rows = [
        (i, no, port, start.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"), str(status), mask_name(name) if name else "")
        for i, no, port, start, status, name in session.execute(stmt)
    ]
    return pd.DataFrame(rows, columns=["booking", "vessel_no", "port", "window", "status", "captain"])


# ---- notifications ----


def templates_of(bureaus: frozenset[str]) -> list[str] | None:
    """The SMS templates an official of these bureaus may see (None: every one, for an official of all bureaus)."""
    if bureaus >= ALL_BUREAUS:
        return None
    return [code for code in TEMPLATES if facts.template_bureau(code) in bureaus]


def _sms_dims(bureaus: frozenset[str]) -> list[str] | None:
    codes = templates_of(bureaus)
    return None if codes is None else [f"{code}|%" for code in codes] or ["-none-"]


def message_counts(session: Session, start: date, end: date, bureaus: frozenset[str] = ALL_BUREAUS) -> dict[str, int]:
    counts: dict[str, int] = {}
    for dim, value in facts.grouped(session, "sms", start, end, by="dim", dims=_sms_dims(bureaus)).items():
        status = dim.rsplit("|", 1)[1]
        counts[status] = counts.get(status, 0) + int(value)
    return counts


def messages_by_day(session: Session, start: date, end: date, bureaus: frozenset[str] = ALL_BUREAUS) -> pd.DataFrame:
    patterns = _sms_dims(bureaus)
    counts: dict[tuple[str, str], int] = {}
    for day, dim, value in facts.series(session, "sms", start, end):
        if patterns is None or facts._matches(dim, patterns):
            key = (day, dim.rsplit("|", 1)[1])
            counts[key] = counts.get(key, 0) + int(value)
    return pd.DataFrame([(d, s, n) for (d, s), n in sorted(counts.items())], columns=["day", "status", "count"])


def messages_by_template(session: Session, start: date, end: date, bureaus: frozenset[str] = ALL_BUREAUS) -> pd.DataFrame:
    """Messages per kind of text, with the share that reached the phone."""
    sent: dict[str, int] = {}
    delivered: dict[str, int] = {}
    for dim, value in facts.grouped(session, "sms", start, end, by="dim", dims=_sms_dims(bureaus)).items():
        template, status = dim.rsplit("|", 1)
        sent[template] = sent.get(template, 0) + int(value)
        if status == "delivered":
            delivered[template] = delivered.get(template, 0) + int(value)
    rows = sorted(((_template_title(t), n, delivered.get(t, 0)) for t, n in sent.items()), key=lambda r: -r[1])
    return pd.DataFrame(rows, columns=["template", "count", "delivered"])


def _template_title(code: str) -> str:
    return TEMPLATES[code].title if code in TEMPLATES else code


def recent_failures(session: Session, bureaus: frozenset[str] = ALL_BUREAUS, limit: int = 50) -> pd.DataFrame:
    stmt = (
        select(SmsMessage.id, SmsMessage.created_at, SmsMessage.phone, SmsMessage.template, SmsMessage.status, SmsMessage.attempts)
        .add_columns(SmsMessage.last_error)
        .where(SmsMessage.status.in_(["failed", "undelivered"]))
        .order_by(SmsMessage.id.desc())
        .limit(limit)
    )
    if (codes := templates_of(bureaus)) is not None:
        stmt = stmt.where(SmsMessage.template.in_(codes))
    return pd.DataFrame(
        [
            (i, at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"), mask_phone(p), _template_title(t), str(s), a, e)
            for i, at, p, t, s, a, e in session.execute(stmt)
        ],
        columns=["id", "created", "phone", "template", "status", "attempts", "last_error"],
    )
