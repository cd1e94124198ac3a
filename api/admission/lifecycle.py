"""An application's life: its history steps, what its guardian may do now, and the seats it holds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, object_session

from api.admission.calendar import local_day
from api.admission.models import (
    HOLDING_STATUSES,
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Level,
    PropertyRecord,
    SeatOccupancy,
    SeatPlan,
)
from api.admission.refusals import ApplicationNotFound, NoSeatPlan, SeatLocked
from api.admission.registries import PropertyRegistry, Registries
from api.auth.models import Citizen

SEAT_LOCK_YEARS = {Level.PRIMARY: 6, Level.JUNIOR: 3}
LEVEL_ZH = {Level.PRIMARY: "小学", Level.JUNIOR: "初中"}

WITHDRAWABLE = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.REVIEWING,
    ApplicationStatus.WAITLISTED,
    ApplicationStatus.NOT_OFFERED,
)
REVIEWABLE = (ApplicationStatus.WAITLISTED, ApplicationStatus.NOT_OFFERED, ApplicationStatus.REJECTED)
# Statuses that end an application: the child may apply again.
CLOSING = (ApplicationStatus.DECLINED, ApplicationStatus.LAPSED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN)


def record(application: Application, status: ApplicationStatus, step: str, actor: str, note: str, at: datetime | None = None) -> None:
    """Move the application and add the step to its history, with its reason (the guardian reads it)."""
    application.status = status
    if status in CLOSING:
        application.active_key = None
    event = ApplicationEvent(status=status, step=step, actor=actor, note=note[:200])
    if at is not None:
        event.at = at
    session = object_session(application)
    if session is None:
        application.history.append(event)  # a new application: saved with it; a detached one: fails loudly
        return
    event.application = application  # the backref queues it on the history without loading the history first
    session.add(event)  # backrefs no longer cascade into the session (SQLAlchemy 2)


def actions(application: Application, now: datetime) -> dict[str, bool]:
    """What a guardian may do with the application now: the one rule the API answers and the mini-app shows."""
    status = application.status
    offer_open = status == ApplicationStatus.OFFERED and application.offer_expires_at is not None and now <= application.offer_expires_at
    return {
        "can_withdraw": status in WITHDRAWABLE,
        "can_accept": offer_open,
        "can_decline": offer_open,
        "can_request_review": status in REVIEWABLE and application.review is None,
    }


def lock_plan(session: Session, school_id: int, year: int, *, required: bool = True) -> SeatPlan | None:
    """The school's seat plan, row-locked: every change of who holds its seats or waits for one queues here, one at a time.

    Lock order, everywhere: the seat plan, then the application, then the property.
    """
    plan = session.scalar(select(SeatPlan).where(SeatPlan.school_id == school_id, SeatPlan.year == year).with_for_update())
    if plan is None and required:
        raise NoSeatPlan()
    return plan


def held_seats(session: Session, school_id: int, year: int) -> int:
    """Seats offered (waiting for 确认) or admitted at the school; never more than planned."""
    return session.execute(
        select(func.count())
        .select_from(Application)
        .where(Application.school_id == school_id, Application.year == year, Application.status.in_(HOLDING_STATUSES))
    ).scalar_one()


def occupy_property_seat(session: Session, application: Application) -> None:
    """Lock the property's seat for the child, re-checked here whatever happened before: one property, one seat per lock period."""
    if not application.property_no or application.category not in ("A", "B"):
        return
    # Two children admitted through one property at the same moment queue on the property's row.
    session.scalar(select(PropertyRecord.id).where(PropertyRecord.property_no == application.property_no).with_for_update())
    lock = PropertyRegistry(session).seat_lock(application.property_no, application.level, application.year)
    if lock is not None:
        raise SeatLocked(
            f"该房产的{LEVEL_ZH[application.level]}学位已于 {lock.year} 年被{lock.school_name}使用,锁定至 {lock.locked_until_year} 年"
            " (the property's seat is already used in this lock period)",
            details={"year": lock.year, "locked_until_year": lock.locked_until_year},
        )
    session.add(
        SeatOccupancy(
            property_no=application.property_no,
            level=application.level,
            school_name=application.school.name,
            year=application.year,
            application_id=application.id,
            locked_until_year=application.year + SEAT_LOCK_YEARS[application.level] - 1,
        )
    )
    session.flush()


def sms_params(application: Application, **extra) -> dict:
    """The parameters every admission SMS may use (each template picks what it needs)."""
    params = {
        "child_name": application.child_name,
        "school": application.school.name,
        "year": application.year,
        "level": LEVEL_ZH[application.level],
        "application_id": application.id,
        "category": application.category,
        "note": application.decision_note or "不符合录取条件",
    }
    if application.offer_expires_at is not None:
        params["deadline"] = local_day(application.offer_expires_at)
    return params | extra


def guarded(session: Session, citizen_id: int, application_id: int, *, for_answer: bool = False) -> Application:
    """An application for a child the caller guards; any other answers 404 as if it did not exist.

    ``for_answer`` (the status read, which changes nothing): the application comes with what its answer shows
    (school, review, history) in one query, so the read is 3 round trips (the token check's citizen, the
    application, the guardianship check) instead of 7. A write loads the plain row and locks it with
    ``lock_application``.
    """
    me = session.get(Citizen, citizen_id)
    if for_answer:
        application = session.execute(_as_answered(application_id)).unique().scalar_one_or_none()
    else:
        application = session.get(Application, application_id)
    if (
        me is None
        or application is None
        or not Registries.from_database(session).household.is_guardian(me.id_number_hash, application.child_hash)
    ):
        raise ApplicationNotFound()
    return application


def lock_application(session: Session, application: Application) -> None:
    """Lock the application's row and read it afresh, whatever query loaded it first.

    A plain statement, not ``session.refresh``: a refresh repeats the loader options the object was first loaded
    with, and after ``answered()`` (outer joins to the review and the history) PostgreSQL refuses FOR UPDATE on
    the nullable side of an outer join.
    """
    stmt = select(Application).where(Application.id == application.id).with_for_update()
    session.execute(stmt.execution_options(populate_existing=True)).scalar_one()


def _as_answered(application_id: int):
    """One query for an application with everything its answer shows: the school, the review, the history."""
    return (
        select(Application)
        .where(Application.id == application_id)
        .options(joinedload(Application.school), joinedload(Application.review), joinedload(Application.history))
    )


def answered(session: Session, application_id: int) -> Application:
    """A guardian's write's answer: the application as committed, in one round trip.

    The commit expired everything the write loaded, so dumping the object it changed would lazy-load the
    application, its review, its school and its history again (4 round trips after the work is done).
    """
    return session.execute(_as_answered(application_id).execution_options(populate_existing=True)).unique().scalar_one()


def guardian_phone(session: Session, application: Application) -> str:
    return session.get_one(Citizen, application.citizen_id).phone  # the application's guardian (foreign key)


STATUS_ZH = {
    ApplicationStatus.SUBMITTED: "提交",
    ApplicationStatus.REVIEWING: "进入审核",
    ApplicationStatus.OFFERED: "获得学位待确认",
    ApplicationStatus.WAITLISTED: "列入候补",
    ApplicationStatus.NOT_OFFERED: "未获学位",
    ApplicationStatus.ADMITTED: "录取",
    ApplicationStatus.DECLINED: "放弃学位",
    ApplicationStatus.LAPSED: "逾期未确认",
    ApplicationStatus.REJECTED: "未通过",
    ApplicationStatus.WITHDRAWN: "撤回",
}
