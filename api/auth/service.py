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
from api.auth.roles import STAFF_ROLES
from api.auth.throttle import FailureThrottle, login_keys, normalise_username
from api.auth.tokens import Principal
from api.common.db import unit_of_work, utcnow
from api.common.pii import hash_id_number, mask_id_number, mask_name, mask_phone, normalize_id_number, normalize_phone
from api.errors import NotFound, RateLimited, Unauthorized

SESSION_ENDED = "登录已失效,请重新登录 (signed out, deactivated or no longer exists)"

_hasher = PasswordHasher()
# Verified against when the username is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def upsert_staff(
    session: Session,
    *,
    username: str,
    password: str,
    roles: list[str],
    display_name: str,
    port_id: int | None = None,
    station_id: int | None = None,
) -> StaffUser:
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


def sign_in_staff(session: Session, throttle: FailureThrottle, username: str, password: str, ip: str | None) -> StaffUser:
    """A staff sign-in, refused (429) once the username or the address has used up its failures.

    Each failure counts against both; a success forgets the username's failures (never the address's).
    """
    keys = login_keys(username, ip)
    if not throttle.allowed(*keys):
        raise RateLimited("登录失败次数过多,请稍后再试 (too many failed sign-ins)", retry_after=throttle.retry_after(*keys))
    try:
        user = authenticate_staff(session, username, password)
    except Unauthorized:
        throttle.record(*keys)
        raise
    throttle.clear(("login-user", normalise_username(username)))
    return user


def staff_principal(user: StaffUser) -> Principal:
    """What a token issued to ``user`` now carries: their staff roles and their current token version."""
    return Principal("staff", user.id, tuple(r for r in user.roles if r in STAFF_ROLES), user.display_name, user.token_version)


def citizen_principal(citizen: Citizen, display_name: str) -> Principal:
    return Principal("citizen", citizen.id, ("citizen",), display_name, citizen.token_version)


def principal_now(session: Session, principal: Principal) -> tuple[Principal, Citizen | StaffUser]:
    """The caller a validly signed token names, as the database has them now (checked on every request), with their row.

    A citizen or staff row that no longer exists, a deactivated account, or a token issued before the account
    signed out (its ``token_version`` moved on) answers 401. Staff roles are read afresh: a role taken away
    stops working at once too. The row comes back so the request can hold it: the session's identity map is weak,
    and a held row is what lets the request's later ``session.get`` of the caller answer without a round trip.
    """
    if principal.kind == "citizen":
        citizen = session.get(Citizen, principal.id)
        if citizen is None or citizen.token_version != principal.version:
            raise Unauthorized(SESSION_ENDED)
        return principal, citizen
    user = session.get(StaffUser, principal.id)
    if user is None or not user.active or user.token_version != principal.version:
        raise Unauthorized(SESSION_ENDED)
    return staff_principal(user), user


def sign_out(session: Session, principal: Principal) -> None:
    """End every token of the caller's account: the next request with any of them answers 401."""
    with unit_of_work(session):
        row: Citizen | StaffUser | None = (
            session.get(Citizen, principal.id, with_for_update=True, populate_existing=True)
            if principal.kind == "citizen"
            else session.get(StaffUser, principal.id, with_for_update=True, populate_existing=True)
        )
        if row is not None:
            row.token_version += 1


def who_am_i(session: Session, principal: Principal) -> dict:
    """The signed-in account as its owner sees it: a citizen's own name and phone masked, as on every other answer."""
    if principal.kind == "citizen":
        citizen = session.get(Citizen, principal.id)
        if citizen is None:
            raise Unauthorized("登录凭证无效 (invalid token)")
        return {"id": citizen.id, "name": mask_name(citizen.name), "phone": mask_phone(citizen.phone), "roles": ["citizen"]}
    user = session.get(StaffUser, principal.id)
    if user is None:
        raise Unauthorized("登录凭证无效 (invalid token)")
    return {"id": user.id, "name": user.display_name, "phone": None, "roles": list(principal.roles)}


def set_staff_active(session: Session, username: str, active: bool) -> StaffUser:
    """Deactivate (every token stops working at once) or reactivate a staff account."""
    with unit_of_work(session):
        user = session.scalar(
            select(StaffUser).where(StaffUser.username == username).with_for_update().execution_options(populate_existing=True)
        )
        if user is None:
            raise NotFound(f"没有这个工作人员账号: {username} (no such staff account)")
        if user.active and not active:
            user.token_version += 1
        user.active = active
    return user


def issue_mock_ticket(session: Session, *, id_number: str, name: str, phone: str, ttl_seconds: int) -> str:
    """The mock 浙里办 container's side: a one-time ticket for a resident."""
    ticket = secrets.token_urlsafe(24)
    with unit_of_work(session):
        session.add(
            MockZlbTicket(
                ticket=ticket,
                id_number=normalize_id_number(id_number),
                name=name,
                phone=normalize_phone(phone),
                expires_at=utcnow() + timedelta(seconds=ttl_seconds),
            )
        )
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
    live_key = (ApiKey.partner_id == Partner.id) & (ApiKey.key_hash == _key_digest(key)) & ApiKey.revoked_at.is_(None)
    partner = session.scalar(select(Partner).join(ApiKey, live_key))  # the key and its partner: one round trip
    if partner is None:
        raise Unauthorized("API key 无效 (invalid API key)")
    return partner


def record_access(
    session: Session, *, actor: str, action: str, subject: str | None = None, detail: str | None = None, ip: str | None = None
) -> None:
    """Audit a staff member's access to personal data, in the caller's transaction."""
    session.add(AuditEntry(actor=actor, action=action, subject=subject, detail=detail, ip=ip))
