"""Keyset (cursor) pagination over a select ordered by id, as SPEC §2 describes."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from api.common.db import MAX_ID
from api.errors import ValidationFailed

# A cursor is the id the next page starts after, in ASCII digits: the OpenAPI document states it as this pattern, and
# every string matching it is a valid cursor (beyond the id range it simply starts past every row).
CURSOR_PATTERN = r"^[0-9]{1,19}$"
_CURSOR_RE = re.compile(CURSOR_PATTERN)


def encode_cursor(last_id: int) -> str:
    return str(last_id)


def decode_cursor(cursor: str) -> int:
    """The id a cursor points after; anything but 1–19 ASCII digits is a 422."""
    if not isinstance(cursor, str) or not _CURSOR_RE.fullmatch(cursor):
        raise ValidationFailed.on("cursor", "分页游标无效 (invalid cursor)")
    return min(int(cursor), MAX_ID)


def paginate(session: Session, stmt: Select, id_column, *, limit: int, cursor: str | None, descending: bool = True) -> dict[str, Any]:
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
