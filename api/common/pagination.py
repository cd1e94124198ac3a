"""Keyset (cursor) pagination over a select ordered by id, as SPEC §2 describes."""

from __future__ import annotations

import base64
import json
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from api.errors import ValidationFailed


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": last_id}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))["after"]
        if not isinstance(value, int):
            raise ValueError(value)
        return value
    except (ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
        raise ValidationFailed.on("cursor", "分页游标无效 (invalid cursor)") from exc


def paginate(session: Session, stmt: Select, id_column, *, limit: int, cursor: str | None,
             descending: bool = True) -> dict[str, Any]:
    """Return ``{"items": [...], "next_cursor": str | None}``; newest first unless ``descending`` is False."""
    if cursor:
        after = decode_cursor(cursor)
        stmt = stmt.where(id_column < after if descending else id_column > after)
    stmt = stmt.order_by(id_column.desc() if descending else id_column.asc()).limit(limit + 1)
    rows = list(session.scalars(stmt))
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1].id) if has_more and rows else None
    return {"items": rows, "next_cursor": next_cursor}
