"""Assertions shared by the test modules (imported, never collected as tests)."""

from __future__ import annotations


def assert_error_shape(answer, status: int, error: str) -> dict:
    """The SPEC §2 error shape; works on a Flask test response and on a `requests` response from a real server."""
    assert answer.status_code == status
    text = answer.get_data(as_text=True) if hasattr(answer, "get_data") else answer.text
    body = answer.json() if callable(answer.json) else answer.get_json()
    assert body["status"] == status and body["error"] == error
    assert isinstance(body["message"], str) and body["message"]
    assert "Traceback" not in text
    return body
