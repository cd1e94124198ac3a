"""Signed bearer tokens (JWT, HS256) with expiry, and the principal they carry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import jwt

from api.common.db import utcnow
from api.errors import Unauthorized

ALGORITHM = "HS256"


@dataclass(frozen=True)
class Principal:
    kind: str  # "citizen" | "staff" | "partner"
    id: int
    roles: tuple[str, ...] = field(default_factory=tuple)
    name: str = ""

    @property
    def actor(self) -> str:
        return f"{self.kind}:{self.id}:{self.name}"


def issue_token(principal: Principal, secret: str, ttl_seconds: int) -> str:
    now = utcnow()
    claims = {
        "sub": str(principal.id),
        "kind": principal.kind,
        "roles": list(principal.roles),
        "name": principal.name,
        "iat": now,
        "exp": now + timedelta(seconds=ttl_seconds),
        "typ": "access",
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_token(token: str, secret: str) -> Principal:
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]})
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("登录已过期,请重新登录 (token expired)") from exc
    except jwt.InvalidTokenError as exc:
        raise Unauthorized("登录凭证无效 (invalid token)") from exc
    if claims.get("typ") != "access" or claims.get("kind") not in {"citizen", "staff"}:
        raise Unauthorized("登录凭证无效 (invalid token)")
    try:
        return Principal(claims["kind"], int(claims["sub"]), tuple(claims.get("roles", ())), claims.get("name", ""))
    except (TypeError, ValueError) as exc:
        raise Unauthorized("登录凭证无效 (invalid token)") from exc
