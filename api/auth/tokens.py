"""Signed bearer tokens (JWT, HS256) with expiry, and the principal they carry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import jwt

from api.common.db import MAX_ID, utcnow
from api.common.digits import is_ascii_digits
from api.errors import Unauthorized

ALGORITHM = "HS256"


@dataclass(frozen=True)
class Principal:
    kind: str  # "citizen" | "staff" | "partner"
    id: int
    roles: tuple[str, ...] = field(default_factory=tuple)
    name: str = ""
    version: int = 0  # the account's token_version when the token was issued; a sign-out or deactivation bumps it

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
        "ver": principal.version,
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
        roles, version, name = claims.get("roles", ()), claims.get("ver", 0), claims.get("name", "")
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise TypeError("roles")
        if type(version) is not int or not isinstance(name, str):
            raise TypeError("ver")
        subject = claims["sub"]
        if not is_ascii_digits(subject) or not 1 <= int(subject) <= MAX_ID:
            raise ValueError("sub")
        return Principal(claims["kind"], int(subject), tuple(roles), name, version)
    except (TypeError, ValueError) as exc:
        raise Unauthorized("登录凭证无效 (invalid token)") from exc
