"""Allocation runs (派位): an education official places a year's and level's applications by the published rules.

The run reads every application still waiting for a place (submitted, in review, waitlisted, not offered)
and the seats each school has free (planned minus those already offered or admitted), applies
``api.admission.allocation`` with the published seed, and stores its inputs, seed and result. A dry run
stops there; a real run also gives each application its result, a history step and an SMS.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import TypeVar

from sqlalchemy import func, insert, inspect, select, update
from sqlalchemy.orm import Session

from api.admission.allocation import RULES_VERSION, Applicant, Placement, SchoolResult, SchoolSeats, allocate
from api.admission.calendar import DEFAULT_OFFER_DAYS, local_day, offer_deadline
from api.admission.lifecycle import LEVEL_ZH
from api.admission.models import (
    HOLDING_STATUSES,
    WAITING_STATUSES,
    AllocationEntry,
    AllocationResult,
    AllocationRun,
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Level,
    School,
    SeatPlan,
)
from api.admission.refusals import NoSeatPlan, NothingToAllocate
from api.auth.models import Citizen
from api.common.db import unit_of_work, utcnow
from api.common.pagination import paginate
from api.errors import NotFound
from api.notify.models import SmsMessage
from api.notify.service import enqueue

BATCH = 5_000
TEMPLATES = {"offered": "admission_offered", "waitlisted": "admission_waitlisted", "not_offered": "admission_not_offered"}


def _school_report(result: SchoolResult, name: str) -> dict:
    return {
        "school_id": result.school_id,
        "school": name,
        "planned": result.planned,
        "held_before": result.planned - result.free,
        "free": result.free,
        "applicants": {category: result.applicants.get(category, 0) for category in "ABC"},
        "applicants_total": sum(result.applicants.values()),
        "offers": result.offers,
        "offers_by_category": {category: result.offers_by_category.get(category, 0) for category in "ABC"},
        "cutoff": {"category": result.cutoff_category, "points": result.cutoff_points, "lottery": result.lottery_decided},
        "waitlist": result.waitlist,
        "not_offered": result.not_offered,
    }


def run_allocation(
    session: Session,
    *,
    year: int,
    level: Level,
    seed: str,
    dry_run: bool,
    actor: str,
    waitlist_percent: int,
    offer_days: int = DEFAULT_OFFER_DAYS,
    now: datetime | None = None,
) -> AllocationRun:
    now = now or utcnow()
    with unit_of_work(session):
        names = dict(session.execute(select(School.id, School.name).where(School.level == level).order_by(School.id)).all())
        # Lock the level's plans (in id order, as every other writer does) before the applications: accepts, declines and
        # withdrawals of this level wait for the run, and a second run waits for the first.
        plans = {
            plan.school_id: plan
            for plan in session.scalars(
                select(SeatPlan).where(SeatPlan.year == year, SeatPlan.school_id.in_(names)).order_by(SeatPlan.school_id).with_for_update()
            )
        }
        rows = session.execute(
            select(Application.id, Application.school_id, Application.category, Application.points)
            .where(Application.year == year, Application.level == level, Application.status.in_(WAITING_STATUSES))
            .order_by(Application.id)
            .with_for_update()
        ).all()
        if not rows:
            raise NothingToAllocate()
        missing = sorted({row.school_id for row in rows} - plans.keys())
        if missing:
            listed = "、".join(names[school_id] for school_id in missing)
            raise NoSeatPlan(
                f"以下学校尚未制定 {year} 年计划学位,不能派位:{listed} (schools without a seat plan)",
                details={"schools": [{"id": school_id, "name": names[school_id]} for school_id in missing]},
            )
        held = dict(
            session.execute(
                select(Application.school_id, func.count())
                .where(Application.year == year, Application.school_id.in_(plans), Application.status.in_(HOLDING_STATUSES))
                .group_by(Application.school_id)
            ).all()
        )
        seats = {school_id: SchoolSeats(plan.planned, plan.planned - held.get(school_id, 0)) for school_id, plan in plans.items()}
        applicants = [Applicant(row.id, row.school_id, row.category, row.points) for row in rows]
        results, placements = allocate(seats, applicants, seed, waitlist_percent=waitlist_percent)
        outcomes = Counter(p.outcome for p in placements)
        run = AllocationRun(
            year=year,
            level=level,
            seed=seed,
            dry_run=dry_run,
            rules=RULES_VERSION,
            waitlist_percent=waitlist_percent,
            actor=actor,
            created_at=now,
            totals={"applications": len(placements), **{outcome: outcomes.get(outcome, 0) for outcome in TEMPLATES}},
            schools=[_school_report(result, names[result.school_id]) for result in results],
        )
        session.add(run)
        session.flush()
        for chunk in _chunks(_entry_rows(run.id, placements)):
            session.execute(insert(AllocationEntry), chunk)
        if not dry_run:
            _give_results(session, run, placements, names, now, offer_days)
    return run


_Row = TypeVar("_Row")


def _chunks(rows: Iterator[_Row]) -> Iterator[list[_Row]]:
    chunk: list[_Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _entry_rows(run_id: int, placements: list[Placement]) -> Iterator[dict]:
    for p in placements:
        yield {
            "run_id": run_id,
            "application_id": p.application_id,
            "school_id": p.school_id,
            "category": p.category,
            "points": p.points,
            "lottery": p.lottery,
            "rank": p.rank,
            "outcome": AllocationResult(p.outcome),
            "waitlist_position": p.waitlist_position,
            "reason": p.reason,
        }


def _give_results(
    session: Session, run: AllocationRun, placements: list[Placement], names: dict[int, str], now: datetime, offer_days: int
) -> None:
    """Each application's result, history step and SMS, written in batches (a district's run is 20,000 and more)."""
    deadline = offer_deadline(now, offer_days)
    actor = f"allocation-run:{run.id}"
    for chunk in _chunks(iter(placements)):
        ids = [p.application_id for p in chunk]
        people = {
            row.id: row
            for row in session.execute(
                select(Application.id, Application.child_name, Application.citizen_id, Citizen.phone)
                .join(Citizen, Citizen.id == Application.citizen_id)
                .where(Application.id.in_(ids))
            )
        }
        changes, events, messages = [], [], []
        for p in chunk:
            offered = p.outcome == "offered"
            note = p.reason + (f",请于 {local_day(deadline)} 前确认或放弃" if offered else "")
            changes.append(
                {
                    "id": p.application_id,
                    "status": ApplicationStatus(p.outcome),
                    "result": AllocationResult(p.outcome),
                    "result_reason": p.reason,
                    "waitlist_position": p.waitlist_position,
                    "offer_expires_at": deadline if offered else None,
                    "offer_reminded_at": None,
                    "allocation_run_id": run.id,
                }
            )
            status = ApplicationStatus(p.outcome)
            events.append(
                {"application_id": p.application_id, "status": status, "step": "allocated", "note": note, "actor": actor, "at": now}
            )
            person = people[p.application_id]
            params = {
                "child_name": person.child_name,
                "school": names[p.school_id],
                "year": run.year,
                "level": LEVEL_ZH[run.level],
                "application_id": p.application_id,
                "deadline": local_day(deadline),
                "position": p.waitlist_position or "",
                "reason": p.reason,
            }
            messages.append(
                _outbox_row(session, enqueue(session, person.phone, TEMPLATES[p.outcome], params, citizen_id=person.citizen_id))
            )
        session.execute(update(Application), changes)
        session.execute(insert(ApplicationEvent), events)
        session.execute(insert(SmsMessage), messages)


def _outbox_row(session: Session, message: SmsMessage) -> dict:
    """``enqueue`` makes each message (template, parameters, phone: the one rule); a run writes them in batches.

    The message leaves the session before it is flushed and goes in with its batch: one INSERT per message was most
    of a district run's time. Every column ``enqueue`` set is kept; the others take their defaults as on a flush.
    """
    session.expunge(message)
    return {attr.key: message.__dict__[attr.key] for attr in inspect(SmsMessage).column_attrs if attr.key in message.__dict__}


def get_run(session: Session, run_id: int) -> AllocationRun:
    run = session.get(AllocationRun, run_id)
    if run is None:
        raise NotFound("未找到该派位记录 (allocation run not found)")
    return run


def list_runs(session: Session, *, year: int | None, level: str | None, limit: int, cursor: str | None) -> dict:
    stmt = select(AllocationRun)
    if year:
        stmt = stmt.where(AllocationRun.year == year)
    if level:
        stmt = stmt.where(AllocationRun.level == Level(level))
    return paginate(session, stmt, AllocationRun.id, limit=limit, cursor=cursor)


def run_entries(session: Session, run_id: int, *, school_id: int | None, limit: int, cursor: str | None) -> dict:
    """Officials: each application's line in the run (children's names masked by the schema)."""
    get_run(session, run_id)
    stmt = select(AllocationEntry).where(AllocationEntry.run_id == run_id)
    if school_id:
        stmt = stmt.where(AllocationEntry.school_id == school_id)
    return paginate(session, stmt, AllocationEntry.id, limit=limit, cursor=cursor, descending=False)
