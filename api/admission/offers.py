"""Offered places: a guardian accepts (确认) or declines before the deadline; lapses and reminders run on a schedule."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.admission.calendar import DEFAULT_OFFER_DAYS, local_day
from api.admission.lifecycle import (
    STATUS_ZH,
    actions,
    answered,
    guarded,
    guardian_phone,
    lock_application,
    lock_plan,
    occupy_property_seat,
    record,
    sms_params,
)
from api.admission.models import Application, ApplicationStatus, SeatPlan
from api.admission.refusals import NoSeatsLeft, NotAllowedNow
from api.admission.waitlist import fill_free_seats
from api.common.db import SHANGHAI, unit_of_work, utcnow
from api.notify.service import enqueue


def _open_offer(session: Session, citizen_id: int, application_id: int, action: str, now: datetime) -> tuple[Application, SeatPlan]:
    """The guardian's offered application, with its school's seat plan and then itself row-locked."""
    application = guarded(session, citizen_id, application_id)
    plan = lock_plan(session, application.school_id, application.year)
    assert plan is not None  # required: lock_plan raised otherwise
    lock_application(session, application)
    if not actions(application, now)[f"can_{action}"]:
        if application.status == ApplicationStatus.OFFERED and application.offer_expires_at is not None:  # an offer has a deadline
            raise NotAllowedNow(f"确认期限已过({local_day(application.offer_expires_at)}),学位已不再保留 (the offer has lapsed)")
        raise NotAllowedNow(f"报名已{STATUS_ZH[application.status]},没有待确认的学位 (application is {application.status})")
    return application, plan


def accept(session: Session, citizen_id: int, application_id: int, *, now: datetime | None = None) -> Application:
    """确认学位: the child is admitted, and the property's seat is locked, re-checked here under lock."""
    now = now or utcnow()
    with unit_of_work(session):
        application, plan = _open_offer(session, citizen_id, application_id, "accept", now)
        admitted = session.execute(
            select(func.count())
            .select_from(Application)
            .where(
                Application.school_id == application.school_id,
                Application.year == application.year,
                Application.status == ApplicationStatus.ADMITTED,
            )
        ).scalar_one()
        if admitted >= plan.planned:  # re-checked whatever happened before: never admit beyond the plan
            raise NoSeatsLeft(details={"planned": plan.planned, "admitted": admitted})
        occupy_property_seat(session, application)
        application.decided_at, application.decision_note = now, "监护人已确认学位"
        record(application, ApplicationStatus.ADMITTED, "accepted", f"citizen:{citizen_id}", "监护人确认学位,录取完成")
        enqueue(
            session, guardian_phone(session, application), "admission_admitted", sms_params(application), citizen_id=application.citizen_id
        )
    return answered(session, application_id)


def decline(
    session: Session, citizen_id: int, application_id: int, *, now: datetime | None = None, offer_days: int = DEFAULT_OFFER_DAYS
) -> Application:
    """放弃学位: the place goes at once to the next child on the school's waitlist."""
    now = now or utcnow()
    with unit_of_work(session):
        application, _plan = _open_offer(session, citizen_id, application_id, "decline", now)
        application.offer_expires_at = None
        record(application, ApplicationStatus.DECLINED, "declined", f"citizen:{citizen_id}", "监护人放弃学位,学位递补给候补")
        fill_free_seats(session, application.school_id, application.year, now=now, offer_days=offer_days)
    return answered(session, application_id)


def lapse_offers(session: Session, *, now: datetime | None = None, offer_days: int = DEFAULT_OFFER_DAYS) -> int:
    """Offers past their deadline lapse; each school's waitlist moves up at once. One school per transaction."""
    now = now or utcnow()
    due = session.execute(
        select(Application.school_id, Application.year)
        .where(Application.status == ApplicationStatus.OFFERED, Application.offer_expires_at < now)
        .distinct()
        .order_by(Application.school_id, Application.year)
    ).all()
    lapsed = 0
    for school_id, year in due:
        with unit_of_work(session):
            lock_plan(session, school_id, year)
            expired = session.scalars(
                select(Application)
                .where(
                    Application.school_id == school_id,
                    Application.year == year,
                    Application.status == ApplicationStatus.OFFERED,
                    Application.offer_expires_at < now,
                )
                .order_by(Application.id)
                .with_for_update()
            ).all()
            for application in expired:
                assert application.offer_expires_at is not None  # selected by offer_expires_at < now
                note = f"确认期限({local_day(application.offer_expires_at)})已过未确认,视为放弃,学位递补给候补"
                record(application, ApplicationStatus.LAPSED, "lapsed", "system:lapse", note)
            fill_free_seats(session, school_id, year, now=now, offer_days=offer_days)
            lapsed += len(expired)
    return lapsed


def remind_offers(session: Session, *, now: datetime | None = None) -> int:
    """The day before the deadline, remind the guardian of an offer not yet answered (once per offer)."""
    now = now or utcnow()
    tomorrow_ends = (now.astimezone(SHANGHAI) + timedelta(days=1)).replace(hour=23, minute=59, second=59, microsecond=0)
    with unit_of_work(session):
        due = session.scalars(
            select(Application)
            .where(
                Application.status == ApplicationStatus.OFFERED,
                Application.offer_reminded_at.is_(None),
                Application.offer_expires_at >= now,
                Application.offer_expires_at <= tomorrow_ends,
            )
            .order_by(Application.id)
            .with_for_update()
        ).all()
        for application in due:
            application.offer_reminded_at = now
            enqueue(
                session,
                guardian_phone(session, application),
                "admission_offer_reminder",
                sms_params(application),
                citizen_id=application.citizen_id,
            )
    return len(due)
