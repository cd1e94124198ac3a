"""Request guards: who is calling (bearer token or partner key), and may they call this route."""

from __future__ import annotations

from functools import wraps

from flask import current_app, g, request
from flask_smorest import Blueprint

from api.auth.models import Partner
from api.auth.service import partner_for_key, record_access
from api.auth.tokens import Principal, read_token
from api.errors import Forbidden, Unauthorized
from api.extensions import db

BEARER = [{"bearerAuth": []}]
API_KEY = [{"apiKey": []}]


def _principal_from_request() -> Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("请先登录 (missing bearer token)")
    return read_token(token.strip(), current_app.config["SECRET_KEY"])


def requires(*roles: str):
    """Only a signed-in caller holding one of ``roles`` may call the view (401 / 403 otherwise)."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            principal = _principal_from_request()
            if not set(roles) & set(principal.roles):
                raise Forbidden(f"需要以下角色之一: {', '.join(roles)} (requires role: {', '.join(roles)})")
            g.principal = principal
            return view(*args, **kwargs)

        return Blueprint.doc(security=BEARER)(wrapper)

    return decorator


def requires_partner(view):
    """A partner device calling with ``X-Api-Key``."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.partner = partner_for_key(db.session, request.headers.get("X-Api-Key"))
        return view(*args, **kwargs)

    return Blueprint.doc(security=API_KEY)(wrapper)


def current_principal() -> Principal:
    return g.principal


def current_partner() -> Partner:
    return g.partner


def audit(action: str, subject: str | None = None, detail: str | None = None) -> None:
    """Record a staff read or change of personal data in the current transaction."""
    record_access(db.session, actor=current_principal().actor, action=action, subject=subject,
                  detail=detail, ip=request.remote_addr)


def caller_key() -> str:
    """Who is calling, for Idempotency-Key scoping."""
    if "principal" in g:
        return f"{g.principal.kind}:{g.principal.id}"
    if "partner" in g:
        return f"partner:{g.partner.id}"
    return f"anon:{request.remote_addr}"
