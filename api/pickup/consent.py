"""金融助渔: partners (a bank, an insurer, a fish market) read a vessel's credit only with the captain's consent.

A captain gives a partner consent for one vessel until a date, and may revoke it. A partner's read is answered
only while such a consent holds; every read, allowed or refused, is written to the audit log and to the vessel's
list of reads that the captain sees.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.models import Partner
from api.auth.service import record_access
from api.common.db import unit_of_work, utcnow
from api.errors import AppError, NotFound, ValidationFailed
from api.pickup.models import CreditConsent, CreditRead, Vessel
from api.pickup.registry import VESSEL_NO
from api.pickup.vessels import owned_vessel

# A partner may read vessel credit only if its key's scopes include this (set when the partner is registered).
CREDIT_SCOPE = "vessel_credit"
MAX_CONSENT_DAYS = 366


class ConsentRequired(AppError):
    status, code = 403, "consent_required"
    message = "船长未授权贵机构查询该船信用,或授权已过期 (no valid consent from the vessel's captain)"


def credit_partners(session: Session) -> list[Partner]:
    """The partners a captain may give consent to."""
    return [p for p in session.scalars(select(Partner).order_by(Partner.id)) if CREDIT_SCOPE in (p.behaviors or [])]


def _partner(session: Session, ref: int | str) -> Partner:
    stmt = select(Partner).where(Partner.id == ref) if isinstance(ref, int) else select(Partner).where(Partner.name == ref)
    partner = session.scalar(stmt)
    if partner is None or CREDIT_SCOPE not in (partner.behaviors or []):
        message = "未知的合作机构,或该机构不能查询渔船信用 (unknown partner)"
        raise NotFound(message, details={"partner": [message]})
    return partner


def give_consent(session: Session, citizen_id: int, vessel_id: int, *, partner: int | str, expires_at: datetime) -> dict:
    """Consent (or extend the consent) that ``partner`` reads this vessel's score and colour until ``expires_at``."""
    now = utcnow()
    if expires_at <= now:
        raise ValidationFailed.on("expires_at", "授权截止时间须晚于现在 (expiry must be in the future)")
    if expires_at > now + timedelta(days=MAX_CONSENT_DAYS):
        raise ValidationFailed.on("expires_at", f"授权最长 {MAX_CONSENT_DAYS} 天 (at most {MAX_CONSENT_DAYS} days)")
    with unit_of_work(session):
        vessel = owned_vessel(session, citizen_id, vessel_id, lock=True)
        found = _partner(session, partner)
        consent = session.scalar(
            select(CreditConsent).where(
                CreditConsent.vessel_id == vessel.id, CreditConsent.partner_id == found.id, CreditConsent.revoked_at.is_(None)
            )
        )
        if consent is None:
            consent = CreditConsent(vessel_id=vessel.id, partner_id=found.id, given_by=citizen_id)
            session.add(consent)
        consent.expires_at = expires_at
        session.flush()
    return _view(consent, found.name)


def revoke_consent(session: Session, citizen_id: int, vessel_id: int, consent_id: int) -> dict:
    with unit_of_work(session):
        vessel = owned_vessel(session, citizen_id, vessel_id, lock=True)
        consent = session.scalar(select(CreditConsent).where(CreditConsent.id == consent_id, CreditConsent.vessel_id == vessel.id))
        if consent is None:
            raise NotFound("未找到该授权 (consent not found)")
        consent.revoked_at = consent.revoked_at or utcnow()
    partner = session.get(Partner, consent.partner_id)
    assert partner is not None  # the consent's partner (foreign key)
    return _view(consent, partner.name)


def consents(session: Session, citizen_id: int, vessel_id: int) -> list[dict]:
    vessel = owned_vessel(session, citizen_id, vessel_id)
    rows = session.execute(
        select(CreditConsent, Partner.name)
        .join(Partner, Partner.id == CreditConsent.partner_id)
        .where(CreditConsent.vessel_id == vessel.id)
        .order_by(CreditConsent.id.desc())
    ).all()
    return [_view(consent, name) for consent, name in rows]


def _view(consent: CreditConsent, partner_name: str) -> dict:
    now = utcnow()
    status = "revoked" if consent.revoked_at else ("expired" if consent.expires_at <= now else "active")
    return {
        "id": consent.id,
        "vessel_id": consent.vessel_id,
        "partner_id": consent.partner_id,
        "partner": partner_name,
        "expires_at": consent.expires_at,
        "created_at": consent.created_at,
        "revoked_at": consent.revoked_at,
        "status": status,
    }


def partner_read(session: Session, partner: Partner, vessel_no: str, *, ip: str | None = None) -> dict:
    """A partner reads a vessel's score and colour: only under a consent that holds now; every attempt is recorded."""
    now = utcnow()
    vessel_no = (vessel_no or "").replace("\x00", "")[:20]  # recorded as asked, minus what no database column holds
    vessel = session.scalar(select(Vessel).where(Vessel.vessel_no == vessel_no)) if VESSEL_NO.match(vessel_no) else None
    outcome = "unknown_vessel"
    if vessel is not None:
        latest = session.scalar(
            select(CreditConsent)
            .where(CreditConsent.vessel_id == vessel.id, CreditConsent.partner_id == partner.id, CreditConsent.revoked_at.is_(None))
            .order_by(CreditConsent.expires_at.desc())
            .limit(1)
        )
        outcome = "no_consent" if latest is None else ("consent" if latest.expires_at > now else "expired")
    allowed = outcome == "consent" and CREDIT_SCOPE in (partner.behaviors or [])
    with unit_of_work(session):
        session.add(
            CreditRead(
                partner_id=partner.id,
                vessel_id=vessel.id if vessel else None,
                vessel_no=vessel_no,
                allowed=allowed,
                outcome=outcome,
            )
        )
        record_access(
            session,
            actor=f"partner:{partner.id}:{partner.name}",
            action="pickup.partner_credit.read" if allowed else "pickup.partner_credit.refused",
            subject=f"vessel:{vessel_no}",
            detail=f"outcome={outcome}",
            ip=ip,
        )
    if not allowed:
        raise ConsentRequired()
    assert vessel is not None  # allowed only under a consent, which needs the vessel
    return {"vessel_no": vessel.vessel_no, "score": vessel.credit_score, "color": vessel.credit_color, "as_of": now}


def reads_of_my_vessel(session: Session, citizen_id: int, vessel_id: int, *, limit: int = 100) -> list[dict]:
    """Who read (or tried to read) my vessel's credit, newest first."""
    vessel = owned_vessel(session, citizen_id, vessel_id)
    rows = session.execute(
        select(CreditRead, Partner.name)
        .join(Partner, Partner.id == CreditRead.partner_id)
        .where(CreditRead.vessel_id == vessel.id)
        .order_by(CreditRead.at.desc(), CreditRead.id.desc())
        .limit(limit)
    ).all()
    return [{"id": r.id, "partner": name, "at": r.at, "allowed": r.allowed, "outcome": r.outcome} for r, name in rows]
