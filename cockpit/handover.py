"""Hands a new session's cookie value from the Streamlit script to the cookie route, without it touching a URL.

Streamlit cannot set a response header itself (the app runs over a WebSocket), so after a sign-in the script keeps
the session token here under a one-time claim code and the page's own JavaScript posts that code to
``/cockpit-session/claim`` (``cockpit/app.py``), whose answer sets the HttpOnly cookie. A claim works once, for a
minute, in the process that made it (Streamlit serves a browser's WebSocket and its requests from one process).
"""

from __future__ import annotations

import secrets
import threading
import time

CLAIM_SECONDS = 60

_lock = threading.Lock()
_claims: dict[str, tuple[str, float]] = {}


def offer(token: str, *, now: float | None = None) -> str:
    """Keep ``token`` for the browser to collect; returns the one-time claim code."""
    now = time.monotonic() if now is None else now
    claim = secrets.token_urlsafe(24)
    with _lock:
        for code in [c for c, (_t, deadline) in _claims.items() if deadline <= now]:
            del _claims[code]
        _claims[claim] = (token, now + CLAIM_SECONDS)
    return claim


def collect(claim: str, *, now: float | None = None) -> str | None:
    """The token behind ``claim``, once; None when unknown, used or expired."""
    now = time.monotonic() if now is None else now
    with _lock:
        token, deadline = _claims.pop(claim, (None, 0.0))
    return token if token is not None and deadline > now else None
