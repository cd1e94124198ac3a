"""Rules of 入学一掌通: eligibility and categories, applications, decisions under the seat plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.admission.geo import catchment_school
from api.admission.models import (
    OPEN_STATUSES,
    Address,
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Level,
    School,
    SeatOccupancy,
    SeatPlan,
)
from api.admission.registries import Registries
from api.auth.models import Citizen
from api.common.db import unit_of_work, utcnow
from api.common.pii import hash_id_number, mask_id_number
from api.errors import AppError, Conflict, NotFound
from api.notify.service import enqueue

MIN_SOCIAL_INSURANCE_MONTHS = 12
SEAT_LOCK_YEARS = {Level.PRIMARY: 6, Level.JUNIOR: 3}
LEVEL_ZH = {Level.PRIMARY: "小学", Level.JUNIOR: "初中"}


def admission_year(today: date) -> int:
    """Enrollment runs in summer: until August it is this year's, from September next year's."""
    return today.year if today.month <= 8 else today.year + 1


class NotEligible(AppError):
    status, code = 422, "not_eligible"
    message = "不符合报名条件 (not eligible)"


class DuplicateApplication(Conflict):
    code, message = "duplicate_application", "该孩子本年度该学段已有进行中的报名 (an active application exists)"


class NoSeatsLeft(Conflict):
    code, message = "no_seats_left", "该校学位已满,不能再录取 (no planned seats left)"


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


def _property_route(session: Session, registries: Registries, guardian: Citizen, level: Level, property_no: str,
                    household, year: int, reasons: list[str]) -> tuple[School | None, str | None]:
    """Category A (户籍 at the property) or B (property only) through an owned, unlocked property in a catchment."""
    record = registries.property.property(property_no)
    if record is None or record.owner_hash != guardian.id_number_hash:
        reasons.append(f"房产 {property_no} 不在申请人名下(房产登记中未查询到)")
        return None, None
    school = catchment_school(session, level, record.address.lat, record.address.lon)
    if school is None:
        reasons.append(f"房产所在地址({record.address.name})不在任何{LEVEL_ZH[level]}学区内")
        return None, None
    lock = registries.property.seat_lock(property_no, level, year)
    if lock is not None:
        reasons.append(f"该房产的{LEVEL_ZH[level]}学位已于 {lock.year} 年被{lock.school_name}使用,"
                       f"锁定至 {lock.locked_until_year} 年,不能按 A/B 类报名")
        return None, None
    return school, "A" if household and household.property_no == property_no else "B"


def evaluate(session: Session, registries: Registries, *, guardian: Citizen, level: Level, child: Child,
             property_no: str | None, school_id: int | None, year: int, pii_key: str) -> Eligibility:
    """The one eligibility rule, for the self-check and the application alike; it creates nothing."""
    result = Eligibility()
    child_hash = hash_id_number(child.id_number, pii_key)
    chosen = _school_by_id(session, school_id, level)
    if (reason := _age_reason(level, child, child_hash, year, registries)) is not None:
        result.reasons.append(reason)

    household = registries.household.household_of(child_hash)
    route_school, route_category = None, None
    if property_no:
        route_school, route_category = _property_route(session, registries, guardian, level, property_no, household,
                                                       year, result.reasons)
    elif household is not None and household.address_id is not None:
        # 户籍 only, without owned property: category B at the household address's catchment.
        address = session.get(Address, household.address_id)
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

    if route_category in ("A", "B") and chosen is not None and chosen.id != route_school.id:
        result.reasons.append(f"所选学校不是该房产的学区学校(学区学校为{route_school.name})")
    result.school = route_school or chosen
    if not result.reasons and route_category:
        result.eligible, result.category = True, route_category
    return result


def _record(application: Application, status: ApplicationStatus, actor: str, note: str | None = None) -> None:
    application.status = status
    application.history.append(ApplicationEvent(status=status, actor=actor, note=note))


def apply(session: Session, registries: Registries, *, guardian: Citizen, level: Level, child: Child,
          property_no: str | None, school_id: int | None, year: int, pii_key: str) -> Application:
    result = evaluate(session, registries, guardian=guardian, level=level, child=child, property_no=property_no,
                      school_id=school_id, year=year, pii_key=pii_key)
    if not result.eligible:
        raise NotEligible("不符合报名条件:" + ";".join(result.reasons), details={"reasons": result.reasons})
    child_hash = hash_id_number(child.id_number, pii_key)
    active_key = f"{child_hash}:{level}:{year}"
    if session.scalar(select(Application.id).where(Application.active_key == active_key)):
        raise DuplicateApplication()
    try:
        with unit_of_work(session):
            application = Application(
                citizen_id=guardian.id, child_hash=child_hash, child_name=child.name,
                child_id_masked=mask_id_number(child.id_number), child_birth_date=child.birth_date, level=level,
                year=year, school_id=result.school.id, property_no=property_no, category=result.category,
                points=result.points, active_key=active_key, status=ApplicationStatus.SUBMITTED)
            _record(application, ApplicationStatus.SUBMITTED, f"citizen:{guardian.id}")
            session.add(application)
    except IntegrityError as exc:  # the same child submitted twice at the same moment
        raise DuplicateApplication() from exc
    return application


def mine(session: Session, citizen_id: int, application_id: int) -> Application:
    application = session.scalar(select(Application).where(Application.id == application_id,
                                                           Application.citizen_id == citizen_id))
    if application is None:
        raise NotFound("未找到该报名 (application not found)")
    return application


def withdraw(session: Session, citizen_id: int, application_id: int) -> Application:
    with unit_of_work(session):
        application = mine(session, citizen_id, application_id)
        session.refresh(application, with_for_update=True)
        if application.status not in OPEN_STATUSES:
            raise Conflict(f"报名已{STATUS_ZH[application.status]},不能撤回 (application is {application.status})")
        application.active_key = None
        _record(application, ApplicationStatus.WITHDRAWN, f"citizen:{citizen_id}")
    return application


def seats(session: Session, school_id: int, year: int) -> dict:
    planned = session.scalar(select(SeatPlan.planned).where(SeatPlan.school_id == school_id, SeatPlan.year == year))
    counts = dict(session.execute(select(Application.status, func.count()).where(
        Application.school_id == school_id, Application.year == year).group_by(Application.status)).all())
    admitted = counts.get(ApplicationStatus.ADMITTED, 0)
    applied = admitted + sum(counts.get(s, 0) for s in OPEN_STATUSES)
    planned = planned or 0
    return {"school_id": school_id, "year": year, "planned": planned, "applied": applied, "admitted": admitted,
            "remaining": max(planned - admitted, 0)}


def start_review(session: Session, application_id: int, *, actor: str) -> Application:
    """An official takes a submitted application into review; asking again changes nothing."""
    with unit_of_work(session):
        application = session.scalar(select(Application).where(Application.id == application_id).with_for_update())
        if application is None:
            raise NotFound("未找到该报名 (application not found)")
        if application.status == ApplicationStatus.SUBMITTED:
            _record(application, ApplicationStatus.REVIEWING, actor)
        elif application.status != ApplicationStatus.REVIEWING:
            raise Conflict(f"报名已{STATUS_ZH[application.status]},不能进入审核 (application is {application.status})")
    return application


def decide(session: Session, application_id: int, *, decision: str, note: str | None, actor: str) -> Application:
    """Admit or reject; admitting occupies the property's seat and never exceeds the planned seats."""
    with unit_of_work(session):
        application = session.scalar(select(Application).where(Application.id == application_id).with_for_update())
        if application is None:
            raise NotFound("未找到该报名 (application not found)")
        if application.status not in OPEN_STATUSES:
            raise Conflict(f"报名已{STATUS_ZH[application.status]},不能再决定 (application is {application.status})")
        school = application.school
        if decision == "admitted":
            plan = session.scalar(select(SeatPlan).where(SeatPlan.school_id == school.id,
                                                         SeatPlan.year == application.year).with_for_update())
            admitted = session.scalar(select(func.count()).select_from(Application).where(
                Application.school_id == school.id, Application.year == application.year,
                Application.status == ApplicationStatus.ADMITTED))
            if plan is None or admitted >= plan.planned:
                raise NoSeatsLeft(details={"planned": plan.planned if plan else 0, "admitted": admitted})
            if application.property_no and application.category in ("A", "B"):
                session.add(SeatOccupancy(property_no=application.property_no, level=application.level,
                                          school_name=school.name, year=application.year, application_id=application.id,
                                          locked_until_year=application.year + SEAT_LOCK_YEARS[application.level] - 1))
            status, template = ApplicationStatus.ADMITTED, "admission_admitted"
        else:
            application.active_key = None
            status, template = ApplicationStatus.REJECTED, "admission_rejected"
        application.decided_at, application.decision_note = utcnow(), note
        _record(application, status, actor, note)
        guardian = session.get(Citizen, application.citizen_id)
        enqueue(session, guardian.phone, template, decision_params(application))
    return application


def decision_params(application: Application) -> dict:
    """The decision SMS's parameters (the template picks what it needs)."""
    return {"child_name": application.child_name, "school": application.school.name, "year": application.year,
            "level": LEVEL_ZH[application.level], "note": application.decision_note or "不符合录取条件"}


STATUS_ZH = {ApplicationStatus.SUBMITTED: "提交", ApplicationStatus.REVIEWING: "进入审核",
             ApplicationStatus.ADMITTED: "录取", ApplicationStatus.REJECTED: "未通过",
             ApplicationStatus.WITHDRAWN: "撤回"}
