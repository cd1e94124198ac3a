"""Assertions shared by the test modules (imported, never collected as tests)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from api.extensions import db


def assert_error_shape(answer, status: int, error: str) -> dict:
    """The SPEC §2 error shape; works on a Flask test response and on a `requests` response from a real server."""
    assert answer.status_code == status
    text = answer.get_data(as_text=True) if hasattr(answer, "get_data") else answer.text
    body = answer.json() if callable(answer.json) else answer.get_json()
    assert body["status"] == status and body["error"] == error
    assert isinstance(body["message"], str) and body["message"]
    assert "Traceback" not in text
    return body


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    """Every SQL statement the app's engine sends inside the block (each a round trip), white space folded."""
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
