"""``Idempotency-Key`` for writes that create something: the same key from the same caller answers once.

The key's record, the service's writes and the stored response commit in one
transaction, so a retry either replays the first answer or (if the first failed)
runs again; nothing is created twice. A concurrent twin waits on the unique key,
then replays.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import wraps

from flask import Response, g, request
from flask_smorest import Blueprint
from sqlalchemy import String, Text, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from api.common.db import Base, UTCDateTime, unit_of_work, utcnow
from api.errors import AppError, ValidationFailed
from api.extensions import db

HEADER = "Idempotency-Key"
HEADER_DOC = {
    "in": "header",
    "name": HEADER,
    "required": False,
    # The format names the client's duty no schema can state: a key not yet used for a different request (a UUID will do).
    "schema": {"type": "string", "minLength": 1, "maxLength": 100, "format": "idempotency-key"},
    "description": "重复提交保护:同一调用者的同一键只创建一次,重放返回第一次的结果;新的请求用新的键(如 UUID),"
    "同一键用于不同请求答 422 idempotency_key_reused (same key, same caller: created once; a new request needs a new key)",
}


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("caller", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    caller: Mapped[str] = mapped_column(String(80))
    key: Mapped[str] = mapped_column(String(100))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column()
    body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdempotencyKeyReused(AppError):
    status, code = 422, "idempotency_key_reused"
    message = "该 Idempotency-Key 已用于另一个请求 (Idempotency-Key was used for a different request)"


def _caller() -> str:
    if "principal" in g:
        return f"{g.principal.kind}:{g.principal.id}"
    if "partner" in g:
        return f"partner:{g.partner.id}"
    return f"anon:{request.remote_addr}"


def _fingerprint() -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    response = Response(record.body, status=record.status_code, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def idempotent(view):
    """Wrap a creating view (below the auth guard, above ``blp.arguments``/``blp.response``)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if not 1 <= len(key) <= 100:
            raise ValidationFailed.on(HEADER, "Idempotency-Key 长度应为 1–100 (length must be 1–100)")
        caller, fingerprint, session = _caller(), _fingerprint(), db.session
        lookup = select(IdempotencyRecord).where(IdempotencyRecord.caller == caller, IdempotencyRecord.key == key)
        # Insert first, no look-up before: a new key (the usual case) costs one round trip, and a key already
        # used fails on the unique (caller, key) at once, then replays below.
        try:
            with unit_of_work(session):
                record = IdempotencyRecord(caller=caller, key=key, fingerprint=fingerprint)
                session.add(record)
                session.flush()
                response = view(*args, **kwargs)
                record.status_code = response.status_code
                record.body = response.get_data(as_text=True)
        except IntegrityError:
            session.rollback()
            existing = session.scalar(lookup)
            if existing is None:
                raise
            return _replay(existing, fingerprint)
        return response

    return Blueprint.doc(parameters=[HEADER_DOC])(wrapper)
