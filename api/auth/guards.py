"""Request guards: who is calling (bearer token or partner key), may they call this route, and may they guess again."""

from __future__ import annotations

from functools import wraps

from flask import current_app, g, request
from flask_smorest import Blueprint

from api.auth.models import Partner
from api.auth.roles import holds_any
from api.auth.service import partner_for_key, principal_now, record_access
from api.auth.throttle import FailureThrottle
from api.auth.tokens import Principal, read_token
from api.common.db import unit_of_work
from api.errors import AppError, Forbidden, RateLimited, Unauthorized
from api.extensions import db, limiter

BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]
API_KEY: list[dict[str, list[str]]] = [{"apiKey": []}]


def _principal_from_request() -> Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("请先登录 (missing bearer token)")
    claimed = read_token(token.strip(), current_app.config["SECRET_KEY"])
    principal, g.caller_row = principal_now(db.session(), claimed)  # deleted, deactivated or signed out since issued: 401
    return principal


def requires(*roles: str):
    """Only a signed-in caller holding one of ``roles`` may call the view (401 / 403 otherwise)."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            principal = _principal_from_request()
            if not holds_any(principal.roles, roles):
                raise Forbidden(f"需要以下角色之一: {', '.join(roles)} (requires role: {', '.join(roles)})")
            g.principal = principal
            return view(*args, **kwargs)

        return Blueprint.doc(security=BEARER)(wrapper)

    return decorator


def requires_partner(view):
    """A partner device calling with ``X-Api-Key``."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.partner = partner_for_key(db.session(), request.headers.get("X-Api-Key"))
        return view(*args, **kwargs)

    return Blueprint.doc(security=API_KEY)(wrapper)


def current_principal() -> Principal:
    return g.principal


def current_partner() -> Partner:
    return g.partner


def audit(action: str, subject: str | None = None, detail: str | None = None) -> None:
    """Record a staff read or change of personal data in the current transaction."""
    record_access(db.session(), actor=current_principal().actor, action=action, subject=subject, detail=detail, ip=request.remote_addr)


def failure_throttle(limit_setting: str) -> FailureThrottle:
    """Counters in the rate limiter's storage (Redis in production: shared by every process, and by the cockpit)."""
    return FailureThrottle(limiter.storage, current_app.config[limit_setting], current_app.config["RATELIMIT_KEY_PREFIX"])


def _guesser() -> tuple[str, str]:
    """Who is guessing, as (throttle key, audit actor): the staff account, the partner, else the address."""
    if "principal" in g:
        return f"{g.principal.kind}:{g.principal.id}", g.principal.actor
    if "partner" in g:
        return f"partner:{g.partner.id}", f"partner:{g.partner.id}:{g.partner.name}"
    return f"ip:{request.remote_addr}", f"anon:{request.remote_addr}"


def _audit_guess(actor: str, action: str, secret: str, detail: str) -> None:
    """An audit entry of its own transaction: the failed attempt's writes were rolled back, this one stays."""
    with unit_of_work(db.session()):
        record_access(db.session(), actor=actor, action=action, subject=secret, detail=detail, ip=request.remote_addr)


def guards_secret(secret: str, *, wrong: tuple[str, ...]):
    """Wrong guesses of ``secret`` (a pickup code, a ticket, a citizen code) are counted and audited per caller.

    A failure is an ``AppError`` whose ``code`` is in ``wrong``. Each one is counted (``GUESS_FAILURE_LIMIT``, e.g.
    10 a minute, in shared storage) and written to the audit log; once the limit is reached the caller gets 429
    (also audited) until the window moves on, right or wrong. Put it below ``requires``/``requires_partner``.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            key, actor = _guesser()
            counter = (f"guess-{secret}", key)
            throttle = failure_throttle("GUESS_FAILURE_LIMIT")
            if not throttle.allowed(counter):
                _audit_guess(actor, f"{secret}_throttled", secret, "too many wrong attempts: refused (429)")
                raise RateLimited(
                    f"错误尝试过多,请稍后再试 (too many wrong {secret.replace('_', ' ')}s)", retry_after=throttle.retry_after(counter)
                )
            try:
                return view(*args, **kwargs)
            except AppError as error:
                if error.code in wrong:
                    throttle.record(counter)
                    _audit_guess(actor, f"{secret}_wrong", secret, f"refused: {error.code}")
                raise

        return wrapper

    return decorator
