"""复核: a guardian asks once per application, with a reason; an education official answers, with a reason."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.admission.lifecycle import STATUS_ZH, actions, answered, guarded, guardian_phone, lock_application, record, sms_params
from api.admission.models import Application, Review
from api.admission.refusals import NotAllowedNow, ReviewAlreadyRequested
from api.common.db import unit_of_work, utcnow
from api.common.pagination import paginate
from api.errors import NotFound
from api.notify.service import enqueue

OUTCOMES = {"upheld": "维持原结果", "corrected": "予以更正"}


def request_review(session: Session, citizen_id: int, application_id: int, *, reason: str, now: datetime | None = None) -> Application:
    now = now or utcnow()
    application = guarded(session, citizen_id, application_id)
    try:
        with unit_of_work(session):
            lock_application(session, application)
            if application.review is not None:
                raise ReviewAlreadyRequested()
            if not actions(application, now)["can_request_review"]:
                raise NotAllowedNow(f"报名{STATUS_ZH[application.status]},没有可复核的结果 (no result to review)")
            application.review = Review(reason=reason, requested_by=f"citizen:{citizen_id}", requested_at=now)
            record(application, application.status, "review_requested", f"citizen:{citizen_id}", f"监护人申请复核:{reason}")
    except IntegrityError as exc:  # the other guardian asked at the same moment
        raise ReviewAlreadyRequested() from exc
    return answered(session, application_id)


def answer_review(session: Session, review_id: int, *, outcome: str, reason: str, actor: str, now: datetime | None = None) -> Review:
    """The official's answer goes into the application's history (the guardian reads it) and by SMS."""
    now = now or utcnow()
    with unit_of_work(session):
        review = session.scalar(select(Review).where(Review.id == review_id).with_for_update())
        if review is None:
            raise NotFound("未找到该复核申请 (review not found)")
        if review.answered_at is not None:
            raise NotAllowedNow("该复核申请已答复 (the review has been answered)")
        review.outcome, review.answer, review.answered_by, review.answered_at = outcome, reason, actor, now
        application = review.application
        note = f"复核答复({OUTCOMES[outcome]}):{reason}"
        record(application, application.status, "review_answered", actor, note)
        enqueue(
            session,
            guardian_phone(session, application),
            "admission_review_answered",
            sms_params(application, answer=note),
            citizen_id=application.citizen_id,
        )
    return review


def reviews(session: Session, *, open_only: bool, limit: int, cursor: str | None) -> dict:
    """Officials: review requests, oldest first (open ones by default)."""
    stmt = select(Review)
    if open_only:
        stmt = stmt.where(Review.answered_at.is_(None))
    return paginate(session, stmt, Review.id, limit=limit, cursor=cursor, descending=False)
