"""A school's waitlist (候补): the next child moves up at once when a place is freed. Callers hold the seat plan's lock."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.admission.calendar import DEFAULT_OFFER_DAYS, local_day, offer_deadline
from api.admission.lifecycle import guardian_phone, held_seats, record, sms_params
from api.admission.models import AllocationResult, Application, ApplicationStatus, SeatPlan
from api.notify.service import enqueue

SYSTEM = "system:waitlist"


def close_waitlist_gap(session: Session, school_id: int, year: int, position: int) -> None:
    """Everyone behind ``position`` moves up one place."""
    session.execute(
        update(Application)
        .where(
            Application.school_id == school_id,
            Application.year == year,
            Application.status == ApplicationStatus.WAITLISTED,
            Application.waitlist_position > position,
        )
        .values(waitlist_position=Application.waitlist_position - 1)
        .execution_options(synchronize_session="fetch")
    )


def fill_free_seats(
    session: Session, school_id: int, year: int, *, now: datetime, offer_days: int = DEFAULT_OFFER_DAYS
) -> list[Application]:
    """Offer every free planned seat to the head of the waitlist, in order, each with an SMS."""
    plan = session.scalar(select(SeatPlan).where(SeatPlan.school_id == school_id, SeatPlan.year == year))
    if plan is None:
        return []
    promoted = []
    free = plan.planned - held_seats(session, school_id, year)
    while free > 0:
        head = session.scalar(
            select(Application)
            .where(Application.school_id == school_id, Application.year == year, Application.status == ApplicationStatus.WAITLISTED)
            .order_by(Application.waitlist_position, Application.id)
            .limit(1)
            .with_for_update()
        )
        if head is None:
            break
        position = head.waitlist_position or 1
        head.result, head.waitlist_position = AllocationResult.OFFERED, None
        head.offer_expires_at, head.offer_reminded_at = offer_deadline(now, offer_days), None
        head.result_reason = f"候补第 {position} 位递补获得学位"
        record(
            head,
            ApplicationStatus.OFFERED,
            "promoted",
            SYSTEM,
            f"{head.school.name}有学位空出,候补第 {position} 位递补获得学位,请于 {local_day(head.offer_expires_at)} 前确认或放弃",
        )
        enqueue(session, guardian_phone(session, head), "admission_promoted", sms_params(head), citizen_id=head.citizen_id)
        session.flush()
        close_waitlist_gap(session, school_id, year, position)
        promoted.append(head)
        free -= 1
    return promoted
