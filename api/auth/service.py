"""Rules of identity: passwords, mock 浙里办 tickets, citizen sign-in, partner keys, the audit log."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.models import ApiKey, AuditEntry, Citizen, MockZlbTicket, Partner, StaffUser
from api.common.db import unit_of_work, utcnow
from api.common.pii import hash_id_number, mask_id_number, normalize_id_number, normalize_phone
from api.errors import Unauthorized

STAFF_ROLES = ("official", "collector", "station")
_hasher = PasswordHasher()
# Verified against when the username is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def upsert_staff(session: Session, *, username: str, password: str, roles: list[str], display_name: str,
                 port_id: int | None = None, station_id: int | None = None) -> StaffUser:
    unknown = set(roles) - set(STAFF_ROLES)
    if unknown:
        raise ValueError(f"unknown staff roles: {sorted(unknown)}")
    with unit_of_work(session):
        user = session.scalar(select(StaffUser).where(StaffUser.username == username))
        if user is None:
            user = StaffUser(username=username, password_hash=hash_password(password))
            session.add(user)
        user.roles, user.display_name = list(roles), display_name
        user.port_id, user.station_id = port_id, station_id
    return user


def authenticate_staff(session: Session, username: str, password: str) -> StaffUser:
    user = session.scalar(select(StaffUser).where(StaffUser.username == username, StaffUser.active.is_(True)))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError) as exc:
        raise Unauthorized("用户名或密码错误 (wrong username or password)") from exc
    if user is None:
        raise Unauthorized("用户名或密码错误 (wrong username or password)")
    if _hasher.check_needs_rehash(user.password_hash):
        with unit_of_work(session):
            user.password_hash = hash_password(password)
    return user


def issue_mock_ticket(session: Session, *, id_number: str, name: str, phone: str, ttl_seconds: int) -> str:
    """The mock 浙里办 container's side: a one-time ticket for a resident."""
    ticket = secrets.token_urlsafe(24)
    with unit_of_work(session):
        session.add(MockZlbTicket(ticket=ticket, id_number=normalize_id_number(id_number), name=name,
                                  phone=normalize_phone(phone), expires_at=utcnow() + timedelta(seconds=ttl_seconds)))
    return ticket


def redeem_mock_ticket(session: Session, ticket: str) -> dict[str, str]:
    """The mock gateway's verification: a ticket answers once, within its lifetime."""
    with unit_of_work(session):
        row = session.scalar(select(MockZlbTicket).where(MockZlbTicket.ticket == ticket).with_for_update())
        if row is None or row.used_at is not None:
            raise Unauthorized("票据无效或已使用 (ticket invalid or already used)")
        if row.expires_at < utcnow():
            raise Unauthorized("票据已过期 (ticket expired)")
        row.used_at = utcnow()
        return {"id_number": row.id_number, "name": row.name, "phone": row.phone}


def sign_in_citizen(session: Session, identity: dict[str, str], pii_key: str) -> Citizen:
    """Create or refresh the citizen a verified 浙里办 identity belongs to."""
    id_number = normalize_id_number(identity["id_number"])
    digest = hash_id_number(id_number, pii_key)
    with unit_of_work(session):
        citizen = session.scalar(select(Citizen).where(Citizen.id_number_hash == digest))
        if citizen is None:
            citizen = Citizen(id_number_hash=digest, id_number_masked=mask_id_number(id_number))
            session.add(citizen)
        citizen.name = identity["name"]
        citizen.phone = normalize_phone(identity["phone"])
        citizen.last_login_at = utcnow()
    return citizen


def citizen_by_id_number(session: Session, id_number: str, pii_key: str) -> Citizen | None:
    return session.scalar(select(Citizen).where(Citizen.id_number_hash == hash_id_number(id_number, pii_key)))


def _key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def add_partner_key(session: Session, *, partner_name: str, behaviors: list[str], key: str | None = None) -> str:
    """Create the partner if needed and give it a key; the key is returned once and stored hashed."""
    key = key or secrets.token_urlsafe(32)
    with unit_of_work(session):
        partner = session.scalar(select(Partner).where(Partner.name == partner_name))
        if partner is None:
            partner = Partner(name=partner_name, behaviors=behaviors)
            session.add(partner)
        partner.behaviors = behaviors
        if session.scalar(select(ApiKey).where(ApiKey.key_hash == _key_digest(key))) is None:
            session.add(ApiKey(partner=partner, key_hash=_key_digest(key), prefix=key[:8]))
    return key


def partner_for_key(session: Session, key: str | None) -> Partner:
    if not key:
        raise Unauthorized("缺少 X-Api-Key (missing API key)")
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == _key_digest(key), ApiKey.revoked_at.is_(None)))
    if row is None:
        raise Unauthorized("API key 无效 (invalid API key)")
    return row.partner


def record_access(session: Session, *, actor: str, action: str, subject: str | None = None,
                  detail: str | None = None, ip: str | None = None) -> None:
    """Audit a staff member's access to personal data, in the caller's transaction."""
    session.add(AuditEntry(actor=actor, action=action, subject=subject, detail=detail, ip=ip))
