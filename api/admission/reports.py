"""Read-only figures of admission for the cockpit: the latest run's result per school, and the open reviews."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.admission.models import AllocationRun, Application, ApplicationStatus, Level, Review, School
from api.common.db import utcnow
from api.common.pii import mask_name


def latest_run(session: Session, year: int, level: str | Level) -> AllocationRun | None:
    """The latest real (not dry) allocation run of a year and level."""
    return session.scalar(
        select(AllocationRun)
        .where(AllocationRun.year == year, AllocationRun.level == Level(level), AllocationRun.dry_run.is_(False))
        .order_by(AllocationRun.id.desc())
        .limit(1)
    )


def latest_run_results(session: Session, year: int, level: str | Level) -> list[dict]:
    """Per school: the latest real run's offers, waitlist and cut-off, with where its places stand now.

    One dict per school with keys ``run_id``, ``run_at``, ``seed``, ``school_id``, ``school``, ``planned``,
    ``applicants``, ``applicants_a/b/c``, ``offers``, ``waitlist``, ``not_offered``, ``cutoff_category``,
    ``cutoff_points``, ``cutoff_by_lottery`` and, now, ``admitted_now``, ``offered_now``, ``waitlisted_now``.
    An empty list when no real run exists yet.
    """
    run = latest_run(session, year, level)
    if run is None:
        return []
    now_counts: dict[tuple[int, str], int] = {
        (school_id, str(status)): count
        for school_id, status, count in session.execute(
            select(Application.school_id, Application.status, func.count())
            .where(
                Application.year == year,
                Application.level == Level(level),
                Application.status.in_([ApplicationStatus.ADMITTED, ApplicationStatus.OFFERED, ApplicationStatus.WAITLISTED]),
            )
            .group_by(Application.school_id, Application.status)
        )
    }
    rows = []
    for school in run.schools:
        sid = school["school_id"]
        rows.append(
            {
                "run_id": run.id,
                "run_at": run.created_at,
                "seed": run.seed,
                "school_id": sid,
                "school": school["school"],
                "planned": school["planned"],
                "applicants": school["applicants_total"],
                "applicants_a": school["applicants"]["A"],
                "applicants_b": school["applicants"]["B"],
                "applicants_c": school["applicants"]["C"],
                "offers": school["offers"],
                "waitlist": school["waitlist"],
                "not_offered": school["not_offered"],
                "cutoff_category": school["cutoff"]["category"],
                "cutoff_points": school["cutoff"]["points"],
                "cutoff_by_lottery": school["cutoff"]["lottery"],
                "admitted_now": now_counts.get((sid, "admitted"), 0),
                "offered_now": now_counts.get((sid, "offered"), 0),
                "waitlisted_now": now_counts.get((sid, "waitlisted"), 0),
            }
        )
    return rows


def open_reviews(session: Session, *, limit: int = 200, now: datetime | None = None) -> list[dict]:
    """Review requests not yet answered, oldest first, children's names masked.

    One dict per review with keys ``review_id``, ``application_id``, ``child_name`` (masked), ``school``,
    ``level``, ``category``, ``status``, ``result``, ``reason``, ``requested_at``, ``days_open``.
    """
    now = now or utcnow()
    rows = session.execute(
        select(Review, Application, School.name)
        .join(Application, Application.id == Review.application_id)
        .join(School, School.id == Application.school_id)
        .where(Review.answered_at.is_(None))
        .order_by(Review.requested_at, Review.id)
        .limit(limit)
    ).all()
    return [
        {
            "review_id": review.id,
            "application_id": application.id,
            "child_name": mask_name(application.child_name),
            "school": school_name,
            "level": str(application.level),
            "category": application.category,
            "status": str(application.status),
            "result": str(application.result) if application.result else None,
            "reason": review.reason,
            "requested_at": review.requested_at,
            "days_open": (now - review.requested_at).days,
        }
        for review, application, school_name in rows
    ]
