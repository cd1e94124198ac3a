"""Rules of 入学一掌通: guardianship, eligibility and categories, applications, seat plans, manual decisions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.admission.calendar import DEFAULT_OFFER_DAYS, admission_year
from api.admission.geo import catchment_school
from api.admission.lifecycle import (
    LEVEL_ZH,
    SEAT_LOCK_YEARS,
    STATUS_ZH,
    WITHDRAWABLE,
    answered,
    guarded,
    guardian_phone,
    held_seats,
    lock_application,
    lock_plan,
    occupy_property_seat,
    record,
    sms_params,
)
from api.admission.models import (
    WAITING_STATUSES,
    Address,
    Application,
    ApplicationStatus,
    Level,
    School,
    SeatPlan,
)
from api.admission.refusals import (
    ChildNotFound,
    DuplicateApplication,
    NoSeatsLeft,
    NotAllowedNow,
    NotEligible,
    PlanBelowTaken,
)
from api.admission.registries import Registries
from api.admission.waitlist import close_waitlist_gap, fill_free_seats
from api.auth.models import Citizen
from api.common.db import unit_of_work, utcnow
from api.common.pagination import paginate
from api.common.pii import hash_id_number, mask_id_number
from api.errors import NotFound
from api.notify.service import enqueue

MIN_SOCIAL_INSURANCE_MONTHS = 12
__all__ = ["SEAT_LOCK_YEARS", "STATUS_ZH", "admission_year", "guarded"]  # re-exported: older callers import them from here


@dataclass
class Eligibility:
    eligible: bool = False
    category: str | None = None
    school: School | None = None
    reasons: list[str] = field(default_factory=list)
    points: int | None = None


@dataclass(frozen=True)
class Child:
    name: str
    id_number: str
    birth_date: date


def _age_reason(level: Level, child: Child, child_hash: str, year: int, registries: Registries) -> str | None:
    if level == Level.PRIMARY:
        cutoff = date(year - 6, 8, 31)
        if child.birth_date > cutoff:
            return f"孩子在 {year} 年 8 月 31 日前未满 6 周岁(出生于 {child.birth_date:%Y-%m-%d}),不能报名小学"
        return None
    if registries.student.primary_record(child_hash) is None:
        return "没有查询到孩子的小学学籍,不能报名初中"
    return None


def _school_by_id(session: Session, school_id: int | None, level: Level) -> School | None:
    if school_id is None:
        return None
    school = session.get(School, school_id)
    if school is None or school.level != level:
        raise NotFound(f"未找到该{LEVEL_ZH[level]} (school not found)")
    return school


def _property_route(
    session: Session, registries: Registries, guardian: Citizen, level: Level, property_no: str, household, year: int, reasons: list[str]
) -> tuple[School | None, str | None]:
    """Category A (户籍 at the property) or B (property only) through an owned, unlocked property in a catchment."""
    record, lock = registries.property.property_and_seat_lock(property_no, level, year)
    if record is None or record.owner_hash != guardian.id_number_hash:
        reasons.append(f"房产 {property_no} 不在申请人名下(房产登记中未查询到)")
        return None, None
    school = catchment_school(session, level, record.address.lat, record.address.lon)
    if school is None:
        reasons.append(f"房产所在地址({record.address.name})不在任何{LEVEL_ZH[level]}学区内")
        return None, None
    if lock is not None:
        reasons.append(
            f"该房产的{LEVEL_ZH[level]}学位已于 {lock.year} 年被{lock.school_name}使用,锁定至 {lock.locked_until_year} 年,不能按 A/B 类报名"
        )
        return None, None
    return school, "A" if household and household.property_no == property_no else "B"


def evaluate(
    session: Session,
    registries: Registries,
    *,
    guardian: Citizen,
    level: Level,
    child: Child,
    property_no: str | None,
    school_id: int | None,
    year: int,
    pii_key: str,
) -> Eligibility:
    """The one eligibility rule, for the self-check and the application alike; it creates nothing.

    Only for a child the registry records the caller as a guardian of; for any other child it answers
    404 ``child_not_found`` before looking at anything, so the answer says nothing about the child.
    """
    result = Eligibility()
    child_hash = hash_id_number(child.id_number, pii_key)
    guards, household = registries.household.guardianship(guardian.id_number_hash, child_hash)
    if not guards:
        raise ChildNotFound()
    chosen = _school_by_id(session, school_id, level)
    if (reason := _age_reason(level, child, child_hash, year, registries)) is not None:
        result.reasons.append(reason)

    route_school, route_category = None, None
    if property_no:
        route_school, route_category = _property_route(session, registries, guardian, level, property_no, household, year, result.reasons)
    elif household is not None and household.address_id is not None:
        # 户籍 only, without owned property: category B at the household address's catchment.
        address = session.get_one(Address, household.address_id)  # the household's address (foreign key)
        route_school = catchment_school(session, level, address.lat, address.lon)
        route_category = "B" if route_school else None

    if route_category is None and not property_no:
        months = registries.social_insurance.months(guardian.id_number_hash)
        if months < MIN_SOCIAL_INSURANCE_MONTHS:
            result.reasons.append(f"新居民需连续缴纳社保满 {MIN_SOCIAL_INSURANCE_MONTHS} 个月(当前 {months} 个月)")
        elif chosen is None:
            result.reasons.append("新居民(C 类)请选择报名学校")
        else:
            points = registries.city_points.points(guardian.id_number_hash)
            route_school, route_category = chosen, "C"
            result.points = points.total if points else 0

    if route_category in ("A", "B") and route_school is not None and chosen is not None and chosen.id != route_school.id:
        result.reasons.append(f"所选学校不是该房产的学区学校(学区学校为{route_school.name})")
    result.school = route_school or chosen
    if not result.reasons and route_category:
        result.eligible, result.category = True, route_category
    return result


def citizen(session: Session, citizen_id: int) -> Citizen | None:
    return session.get(Citizen, citizen_id)


def apply(
    session: Session,
    registries: Registries,
    *,
    guardian: Citizen,
    level: Level,
    child: Child,
    property_no: str | None,
    school_id: int | None,
    year: int,
    pii_key: str,
) -> Application:
    """报名: one active application per child, level and year; the guardian gets a receipt SMS."""
    result = evaluate(
        session,
        registries,
        guardian=guardian,
        level=level,
        child=child,
        property_no=property_no,
        school_id=school_id,
        year=year,
        pii_key=pii_key,
    )
    if not result.eligible:
        raise NotEligible("不符合报名条件:" + ";".join(result.reasons), details={"reasons": result.reasons})
    assert result.school is not None  # an eligible result names its school
    school = result.school
    child_hash = hash_id_number(child.id_number, pii_key)
    # One active application per child, level and year: the unique active_key refuses a second at the INSERT
    # (no look-up before it: one round trip fewer, and the same answer for a twin arriving at the same moment).
    active_key = f"{child_hash}:{level}:{year}"
    try:
        with unit_of_work(session):
            application = Application(
                citizen_id=guardian.id,
                child_hash=child_hash,
                child_name=child.name,
                child_id_masked=mask_id_number(child.id_number),
                child_birth_date=child.birth_date,
                level=level,
                year=year,
                school_id=school.id,
                school=school,
                property_no=property_no,
                category=result.category,
                points=result.points,
                active_key=active_key,
                status=ApplicationStatus.SUBMITTED,
                review=None,  # a new application has none: the answer need not read the table to find out
            )
            points = f",积分 {result.points}" if result.category == "C" else ""
            record(
                application,
                ApplicationStatus.SUBMITTED,
                "submitted",
                f"citizen:{guardian.id}",
                f"网上报名已提交:{school.name},{result.category} 类{points};录取按公开规则统一派位",
            )
            session.add(application)
            session.flush()
            enqueue(session, guardian.phone, "admission_received", sms_params(application), citizen_id=guardian.id)
    except IntegrityError as exc:  # the child already has an active application (or a twin committed first)
        raise DuplicateApplication() from exc
    return application


def my_applications(session: Session, citizen_id: int, *, limit: int, cursor: str | None) -> dict:
    """进度查询: the applications of every child I guard (both guardians see them), newest first."""
    me = session.get_one(Citizen, citizen_id)  # the signed-in citizen
    wards = Registries.from_database(session).household.wards_of(me.id_number_hash)
    return paginate(session, select(Application).where(Application.child_hash.in_(wards)), Application.id, limit=limit, cursor=cursor)


def withdraw(session: Session, citizen_id: int, application_id: int) -> Application:
    """Withdraw while no place is offered or taken; a waitlisted child leaves the waitlist and those behind move up."""
    application = guarded(session, citizen_id, application_id)
    with unit_of_work(session):
        lock_plan(session, application.school_id, application.year, required=False)
        lock_application(session, application)
        if application.status not in WITHDRAWABLE:
            raise NotAllowedNow(f"报名已{STATUS_ZH[application.status]},不能撤回 (application is {application.status})")
        position = application.waitlist_position
        application.waitlist_position = None
        record(application, ApplicationStatus.WITHDRAWN, "withdrawn", f"citizen:{citizen_id}", "监护人撤回报名")
        if position is not None:
            close_waitlist_gap(session, application.school_id, application.year, position)
    return answered(session, application_id)


def seats(session: Session, school_id: int, year: int) -> dict:
    """学位查询: planned, applied, offered (waiting for 确认), admitted, waitlisted and remaining seats."""
    planned = session.scalar(select(SeatPlan.planned).where(SeatPlan.school_id == school_id, SeatPlan.year == year))
    counts = dict(
        session.execute(
            select(Application.status, func.count())
            .where(Application.school_id == school_id, Application.year == year)
            .group_by(Application.status)
        ).all()
    )
    admitted = counts.get(ApplicationStatus.ADMITTED, 0)
    offered = counts.get(ApplicationStatus.OFFERED, 0)
    applied = admitted + offered + sum(counts.get(s, 0) for s in WAITING_STATUSES)
    return {
        "school_id": school_id,
        "year": year,
        "has_plan": planned is not None,
        "planned": planned or 0,
        "applied": applied,
        "offered": offered,
        "admitted": admitted,
        "waitlisted": counts.get(ApplicationStatus.WAITLISTED, 0),
        "remaining": max((planned or 0) - admitted - offered, 0),
    }


def set_seat_plan(session: Session, school_id: int, *, year: int, planned: int) -> dict:
    """An education official sets a school's planned seats for a year; never below the seats already held."""
    with unit_of_work(session):
        if session.get(School, school_id) is None:
            raise NotFound("未找到该学校 (school not found)")
        plan = session.scalar(select(SeatPlan).where(SeatPlan.school_id == school_id, SeatPlan.year == year).with_for_update())
        taken = held_seats(session, school_id, year)
        if planned < taken:
            raise PlanBelowTaken(details={"planned": planned, "offered_or_admitted": taken})
        if plan is None:
            plan = SeatPlan(school_id=school_id, year=year, planned=planned)
            session.add(plan)
        previous = plan.planned if plan.id else None
        plan.planned = planned
    return seats(session, school_id, year) | {"previous": previous}


def review_list(session: Session, *, status: str | None, school_id: int | None, limit: int, cursor: str | None) -> dict:
    stmt = select(Application)
    if status:
        stmt = stmt.where(Application.status == ApplicationStatus(status))
    if school_id:
        stmt = stmt.where(Application.school_id == school_id)
    return paginate(session, stmt, Application.id, limit=limit, cursor=cursor)


def _application(session: Session, application_id: int) -> Application:
    application = session.get(Application, application_id)
    if application is None:
        raise NotFound("未找到该报名 (application not found)")
    return application


def start_review(session: Session, application_id: int, *, actor: str) -> Application:
    """An official takes a submitted application into review (资格审核); asking again changes nothing."""
    with unit_of_work(session):
        application = session.scalar(select(Application).where(Application.id == application_id).with_for_update())
        if application is None:
            raise NotFound("未找到该报名 (application not found)")
        if application.status == ApplicationStatus.SUBMITTED:
            record(application, ApplicationStatus.REVIEWING, "review_started", actor, "教育局开始资格审核")
        elif application.status != ApplicationStatus.REVIEWING:
            raise NotAllowedNow(f"报名已{STATUS_ZH[application.status]},不能进入审核 (application is {application.status})")
    return application


def decide(
    session: Session,
    application_id: int,
    *,
    decision: str,
    note: str,
    actor: str,
    now: datetime | None = None,
    offer_days: int = DEFAULT_OFFER_DAYS,
) -> Application:
    """A manual decision, for exceptions (a review found an error, a data correction): always with a reason.

    Admitting holds one of the planned seats and locks the property's seat, both re-checked under lock.
    """
    now = now or utcnow()
    application = _application(session, application_id)
    with unit_of_work(session):
        plan = lock_plan(session, application.school_id, application.year, required=decision == "admitted")
        lock_application(session, application)
        decidable = (*WITHDRAWABLE, ApplicationStatus.OFFERED) if decision == "rejected" else WITHDRAWABLE
        if application.status not in decidable:
            raise NotAllowedNow(f"报名已{STATUS_ZH[application.status]},不能再决定 (application is {application.status})")
        if decision == "admitted":
            taken = held_seats(session, application.school_id, application.year)
            assert plan is not None  # required for an admission: lock_plan raised otherwise
            if taken >= plan.planned:
                raise NoSeatsLeft(details={"planned": plan.planned, "offered_or_admitted": taken})
            occupy_property_seat(session, application)
            status, template = ApplicationStatus.ADMITTED, "admission_admitted"
        else:
            status, template = ApplicationStatus.REJECTED, "admission_rejected"
        position, was_offered = application.waitlist_position, application.status == ApplicationStatus.OFFERED
        application.waitlist_position, application.offer_expires_at = None, None
        application.decided_at, application.decision_note = now, note
        record(application, status, "decided", actor, f"教育局决定:{note}")
        enqueue(session, guardian_phone(session, application), template, sms_params(application), citizen_id=application.citizen_id)
        if position is not None:
            close_waitlist_gap(session, application.school_id, application.year, position)
        if was_offered:
            fill_free_seats(session, application.school_id, application.year, now=now, offer_days=offer_days)
    return application


def decision_params(application: Application) -> dict:
    """The decision SMS's parameters (the SMS history seed re-creates past messages with them)."""
    return sms_params(application)
