"""渔业数字信用, rule v2: the vessel credit score, its green / yellow / red code, what the colour changes, the daily run.

This module is the one home of the rule; ``RULE`` below says it in plain Chinese (served by the API and shown in
the mini-app) and the README says it in English:

* every vessel starts from ``BASE_SCORE`` (70);
* good conduct of the last 365 days adds points (a collected pickup +5, a 进出港 report +1 with at most 2 a day,
  a safety self-check +2 with at most 1 a day), together at most ``POSITIVE_CAP`` (30);
* violations of the last 365 days are subtracted outside that cap (a no-show −10, an official's deduction −1…−50),
  so a violation always lowers the score, however good the record: a vessel at 100 that takes −30 falls to 70;
* entries older than 365 days, and deductions overturned on appeal, no longer count (they stay in the history);
* the score is kept within 0–100: green ≥ 80, yellow 60–79, red < 60;
* scores and colours are refreshed on every new entry and recomputed every day (``pickup recompute-credit``), so a
  colour never goes stale as entries age out; a change of colour texts the captain once;
* the colour has consequences: green books further ahead and may take the priority windows; red must file a
  safety self-check before booking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, case, func, select, type_coerce
from sqlalchemy.orm import Session

from api.common.db import SHANGHAI, unit_of_work, utcnow
from api.labels import label
from api.notify.service import enqueue
from api.pickup.models import CreditColor, CreditColorChange, CreditEntry, CreditKind, Vessel
from api.pickup.registry import captain_contact

BASE_SCORE = 70
POSITIVE_CAP = 30
WINDOW_DAYS = 365
GREEN_FROM, YELLOW_FROM = 80, 60
POINTS = {CreditKind.PICKUP: 5, CreditKind.PORT_REPORT: 1, CreditKind.SAFETY_CHECK: 2, CreditKind.NO_SHOW: -10}
DAILY_COUNTED = {CreditKind.PORT_REPORT: 2, CreditKind.SAFETY_CHECK: 1}
DEDUCTION_MIN, DEDUCTION_MAX = 1, 50
APPEALABLE = (CreditKind.DEDUCTION, CreditKind.NO_SHOW)

# 差异化服务: what the colour changes for the captain.
BOOKING_DAYS_AHEAD = {CreditColor.GREEN: 21, CreditColor.YELLOW: 14, CreditColor.RED: 7}
PRIORITY_OPEN_TO_ALL_HOURS = 24  # a priority window still free this close to its start is open to every vessel
SAFETY_CHECK_VALID_DAYS = 7  # a red vessel books only with a safety self-check this recent

RULE: tuple[str, ...] = (
    f"每艘渔船以 {BASE_SCORE} 分为基础。",
    f"近 {WINDOW_DAYS} 天的良好记录加分:每次交纳污染物 +{POINTS[CreditKind.PICKUP]} 分,"
    f"每次进出港报告 +{POINTS[CreditKind.PORT_REPORT]} 分(每天最多计 {DAILY_COUNTED[CreditKind.PORT_REPORT]} 次),"
    f"每次安全自查 +{POINTS[CreditKind.SAFETY_CHECK]} 分(每天最多计 {DAILY_COUNTED[CreditKind.SAFETY_CHECK]} 次);"
    f"加分合计最多 {POSITIVE_CAP} 分。",
    f"违规扣分不受加分上限影响,总会让得分降低:预约未到 {POINTS[CreditKind.NO_SHOW]} 分,"
    f"执法检查扣分 {DEDUCTION_MIN}–{DEDUCTION_MAX} 分(附原因)。",
    f"超过 {WINDOW_DAYS} 天的记录、申诉后被撤销的扣分不再计分,但保留在记录中;每项扣分可申诉一次。",
    f"得分在 0–100 之间:{GREEN_FROM} 分及以上为绿码,{YELLOW_FROM}–{GREEN_FROM - 1} 分为黄码,{YELLOW_FROM} 分以下为红码;"
    "每天重新计算,信用码变化时短信通知船长。",
    f"绿码渔船可提前 {BOOKING_DAYS_AHEAD[CreditColor.GREEN]} 天预约并可预约优先时段;"
    f"黄码可提前 {BOOKING_DAYS_AHEAD[CreditColor.YELLOW]} 天;"
    f"红码可提前 {BOOKING_DAYS_AHEAD[CreditColor.RED]} 天,且须在 {SAFETY_CHECK_VALID_DAYS} 天内完成安全自查后才能预约。",
)


def color_for(score: int) -> CreditColor:
    if score >= GREEN_FROM:
        return CreditColor.GREEN
    if score >= YELLOW_FROM:
        return CreditColor.YELLOW
    return CreditColor.RED


def score_from(positive: int, negative: int) -> int:
    """The score from the counted points: good conduct up to the cap, every violation subtracted outside it."""
    return max(0, min(100, BASE_SCORE + min(positive, POSITIVE_CAP) + negative))


def counted(now: datetime | None = None) -> ColumnElement[bool]:
    """The condition an entry meets while it counts: within the window and not overturned."""
    since = (now or utcnow()) - timedelta(days=WINDOW_DAYS)
    return (CreditEntry.created_at >= since) & CreditEntry.overturned_at.is_(None)


# type_coerce only tells Python (and mypy) the sums are integers; the SQL is unchanged.
_POSITIVE = type_coerce(func.coalesce(func.sum(case((CreditEntry.points > 0, CreditEntry.points), else_=0)), 0), Integer)
_NEGATIVE = type_coerce(func.coalesce(func.sum(case((CreditEntry.points < 0, CreditEntry.points), else_=0)), 0), Integer)


def score_of(session: Session, vessel_id: int, now: datetime | None = None) -> int:
    positive, negative = session.execute(select(_POSITIVE, _NEGATIVE).where(CreditEntry.vessel_id == vessel_id, counted(now))).one()
    return score_from(int(positive), int(negative))


def points_for(session: Session, vessel_id: int, kind: CreditKind, now: datetime | None = None) -> int:
    """The points an entry of ``kind`` earns now, 0 once the day's counted number is reached."""
    limit = DAILY_COUNTED.get(kind)
    if limit is not None:
        since = (now or utcnow()) - timedelta(days=1)
        today = session.execute(
            select(func.count())
            .select_from(CreditEntry)
            .where(CreditEntry.vessel_id == vessel_id, CreditEntry.kind == kind, CreditEntry.created_at >= since, CreditEntry.points > 0)
        ).scalar_one()
        if today >= limit:
            return 0
    return POINTS[kind]


def record(session: Session, vessel: Vessel, kind: CreditKind, reason: str, *, points: int | None = None, **fields: Any) -> CreditEntry:
    """Add a credit entry and refresh the vessel's score and colour (in the caller's transaction)."""
    entry = CreditEntry(
        vessel_id=vessel.id, kind=kind, reason=reason, points=points_for(session, vessel.id, kind) if points is None else points, **fields
    )
    session.add(entry)
    session.flush()
    refresh(session, vessel)
    return entry


def refresh(session: Session, vessel: Vessel, now: datetime | None = None) -> bool:
    """Recompute one vessel's score and colour; a change of colour is recorded and texted. Whether the colour changed."""
    score = score_of(session, vessel.id, now)
    color = color_for(score)
    old = vessel.credit_color
    vessel.credit_score = score
    if color == old:
        return False
    vessel.credit_color = color
    session.add(CreditColorChange(vessel_id=vessel.id, old_color=old, new_color=color, score=score))
    contact = captain_contact(session, vessel)
    if contact is not None:
        params = {"vessel_no": vessel.vessel_no, "old_color": label("credit_color", old), "new_color": label("credit_color", color)}
        enqueue(session, contact.phone, "credit_color_changed", params | {"score": score}, citizen_id=contact.citizen_id)
    return True


def scores_by_vessel(session: Session, now: datetime | None = None) -> dict[int, int]:
    """Every vessel's score from the entries that count ``now``, in one grouped query (vessels with no entry are absent)."""
    rows = session.execute(select(CreditEntry.vessel_id, _POSITIVE, _NEGATIVE).where(counted(now)).group_by(CreditEntry.vessel_id))
    return {vessel_id: score_from(int(pos), int(neg)) for vessel_id, pos, neg in rows}


@dataclass(frozen=True)
class Recomputed:
    vessels: int
    scores_changed: int
    colors_changed: int


def recompute_all(session: Session, now: datetime | None = None) -> Recomputed:
    """The daily run: every vessel's score and colour from the entries that count today. Running it twice changes nothing.

    Scores are computed for all vessels in one grouped query; only vessels whose stored score differs are then
    locked and refreshed one by one (each its own transaction), so a captain's concurrent entry is never lost and
    a colour change is texted once.
    """
    now = now or utcnow()
    sums = scores_by_vessel(session, now)
    stored = session.execute(select(Vessel.id, Vessel.credit_score, Vessel.credit_color)).all()
    stale = [vessel_id for vessel_id, score, color in stored if _differs(sums.get(vessel_id, score_from(0, 0)), score, color)]
    colors = 0
    for vessel_id in stale:
        with unit_of_work(session):
            vessel = session.scalars(select(Vessel).where(Vessel.id == vessel_id).with_for_update()).one()  # vessels are never deleted
            colors += refresh(session, vessel, now)
    return Recomputed(vessels=len(stored), scores_changed=len(stale), colors_changed=colors)


def _differs(expected: int, score: int, color: CreditColor) -> bool:
    return expected != score or color_for(expected) != color


def why(session: Session, vessel_ids: list[int], now: datetime | None = None) -> dict[int, list[str]]:
    """For each vessel, the reasons behind its colour: the violations that count, newest first, and the good conduct."""
    if not vessel_ids:
        return {}
    reasons: dict[int, list[str]] = {vessel_id: [] for vessel_id in vessel_ids}
    entries = session.execute(
        select(CreditEntry.vessel_id, CreditEntry.points, CreditEntry.reason, CreditEntry.created_at)
        .where(CreditEntry.vessel_id.in_(vessel_ids), CreditEntry.points < 0, counted(now))
        .order_by(CreditEntry.vessel_id, CreditEntry.created_at.desc())
    )
    for vessel_id, points, reason, at in entries:
        reasons[vessel_id].append(f"{at.astimezone(SHANGHAI):%Y-%m-%d} {reason} ({points} 分)")
    positives: dict[int, int] = dict(
        session.execute(
            select(CreditEntry.vessel_id, _POSITIVE)
            .where(CreditEntry.vessel_id.in_(vessel_ids), counted(now))
            .group_by(CreditEntry.vessel_id)
        ).all()
    )
    for vessel_id in vessel_ids:
        reasons[vessel_id].append(f"良好记录加分 {min(int(positives.get(vessel_id, 0)), POSITIVE_CAP)}/{POSITIVE_CAP}")
    return reasons


def to_green(session: Session, vessel: Vessel, now: datetime | None = None) -> list[str]:
    """What brings a vessel back to green, in words a captain reads (empty when it is green)."""
    if vessel.credit_color == CreditColor.GREEN:
        return []
    now = now or utcnow()
    positive = int(session.scalar(select(_POSITIVE).where(CreditEntry.vessel_id == vessel.id, counted(now))) or 0)
    lines = [f"还差 {GREEN_FROM - vessel.credit_score} 分恢复绿码({GREEN_FROM} 分及以上为绿码)。"]
    room = POSITIVE_CAP - min(positive, POSITIVE_CAP)
    if room:
        lines.append(
            f"良好记录还可加 {room} 分:每次交纳污染物 +{POINTS[CreditKind.PICKUP]} 分,"
            f"进出港报告 +{POINTS[CreditKind.PORT_REPORT]} 分(每天最多计 {DAILY_COUNTED[CreditKind.PORT_REPORT]} 次),"
            f"安全自查 +{POINTS[CreditKind.SAFETY_CHECK]} 分(每天最多计 {DAILY_COUNTED[CreditKind.SAFETY_CHECK]} 次)。"
        )
    else:
        lines.append(f"良好记录加分已满 {POSITIVE_CAP} 分,再多交污、报港也不再加分。")
    oldest = session.scalar(
        select(func.min(CreditEntry.created_at)).where(CreditEntry.vessel_id == vessel.id, CreditEntry.points < 0, counted(now))
    )
    if oldest is not None:
        until = (oldest + timedelta(days=WINDOW_DAYS)).astimezone(SHANGHAI)
        lines.append(f"扣分满 {WINDOW_DAYS} 天后不再计分:最早一项将于 {until:%Y-%m-%d} 后不再计分。")
    if vessel.credit_score + room < GREEN_FROM:
        lines.append("仅靠加分回不到绿码:请避免新的违规,按时交污;对有异议的扣分可以申诉一次。")
    return lines
