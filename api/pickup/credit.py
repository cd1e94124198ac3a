"""渔业数字信用: the vessel credit score and its green / yellow / red code.

The rule (documented for captains and officials):

* every vessel starts from a base of 70 points;
* each entry of the last 365 days adds or removes points: +5 for each pickup of pollutants
  collected (主动交纳污染物), +1 for each 进出港 report (at most 2 a day count), +2 for a
  safety self-check (at most 1 a day counts), −10 for a booked pickup the vessel missed
  (no-show), and an official's deduction for a violation (−1 to −50, with its reason);
* the score is clamped to 0–100; green ≥ 80, yellow 60–79, red < 60.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth.models import Citizen
from api.common.db import utcnow
from api.notify.service import enqueue
from api.pickup.models import CreditColor, CreditColorChange, CreditEntry, CreditKind, Vessel

BASE_SCORE = 70
WINDOW_DAYS = 365
POINTS = {CreditKind.PICKUP: 5, CreditKind.PORT_REPORT: 1, CreditKind.SAFETY_CHECK: 2, CreditKind.NO_SHOW: -10}
DAILY_COUNTED = {CreditKind.PORT_REPORT: 2, CreditKind.SAFETY_CHECK: 1}
COLOR_ZH = {CreditColor.GREEN: "绿码", CreditColor.YELLOW: "黄码", CreditColor.RED: "红码"}


def color_for(score: int) -> CreditColor:
    if score >= 80:
        return CreditColor.GREEN
    if score >= 60:
        return CreditColor.YELLOW
    return CreditColor.RED


def score_of(session: Session, vessel_id: int) -> int:
    since = utcnow() - timedelta(days=WINDOW_DAYS)
    total = session.scalar(select(func.coalesce(func.sum(CreditEntry.points), 0)).where(
        CreditEntry.vessel_id == vessel_id, CreditEntry.created_at >= since))
    return max(0, min(100, BASE_SCORE + int(total)))


def points_for(session: Session, vessel_id: int, kind: CreditKind) -> int:
    """The points an entry of ``kind`` earns now, 0 once the day's counted number is reached."""
    limit = DAILY_COUNTED.get(kind)
    if limit is not None:
        since = utcnow() - timedelta(days=1)
        today = session.scalar(select(func.count()).select_from(CreditEntry).where(
            CreditEntry.vessel_id == vessel_id, CreditEntry.kind == kind, CreditEntry.created_at >= since,
            CreditEntry.points > 0))
        if today >= limit:
            return 0
    return POINTS[kind]


def record(session: Session, vessel: Vessel, kind: CreditKind, reason: str, *, points: int | None = None,
           **fields) -> CreditEntry:
    """Add a credit entry and refresh the vessel's score and colour (in the caller's transaction)."""
    entry = CreditEntry(vessel_id=vessel.id, kind=kind, reason=reason,
                        points=points_for(session, vessel.id, kind) if points is None else points, **fields)
    session.add(entry)
    session.flush()
    refresh(session, vessel)
    return entry


def refresh(session: Session, vessel: Vessel) -> None:
    score = score_of(session, vessel.id)
    color = color_for(score)
    old = vessel.credit_color
    vessel.credit_score = score
    if color != old:
        vessel.credit_color = color
        session.add(CreditColorChange(vessel_id=vessel.id, old_color=old, new_color=color, score=score))
        owner = session.get(Citizen, vessel.owner_id) if vessel.owner_id else None
        if owner is not None:
            enqueue(session, owner.phone, "credit_color_changed", {
                "vessel_no": vessel.vessel_no, "old_color": COLOR_ZH[old], "new_color": COLOR_ZH[color], "score": score})
