"""Failed guesses of secrets, counted in shared storage: staff passwords, pickup codes, tickets, citizen codes.

Flask-free, so that the API and the Streamlit cockpit count in the same place: both pass the same storage URI
(``RATELIMIT_STORAGE_URI``: ``redis://...`` in production, shared by every process), the same limit string
(``LOGIN_FAILURE_LIMIT``, e.g. ``"5 per 5 minutes"``) and the same key prefix (``RATELIMIT_KEY_PREFIX``).
Counters are moving windows from the ``limits`` library (the one Flask-Limiter is built on).

Failed staff sign-ins are counted twice: per username (someone guessing one account's password from many
addresses) and per IP address (someone trying many accounts from one address). Either reaching the limit
refuses further attempts until the window has moved on. A successful sign-in clears its username's counter,
never the address's: signing into one's own account must not wipe the record of guesses at others.
"""

from __future__ import annotations

import time
from functools import lru_cache

from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

DEFAULT_PREFIX = "zheli"

Key = tuple[str, ...]


@lru_cache(maxsize=8)
def storage_for(storage_uri: str) -> Storage:
    """One storage per URI and process (a ``memory://`` storage is only shared if it is the same object)."""
    storage = storage_from_string(storage_uri)
    assert isinstance(storage, Storage)  # the app's URIs name synchronous storages (memory://, redis://)
    return storage


@lru_cache(maxsize=32)
def _item(limit: str) -> RateLimitItem:
    return parse(limit)


class FailureThrottle:
    """Counts failures under one or more keys; an attempt is allowed only while every key is under the limit."""

    def __init__(self, storage: Storage, limit: str, prefix: str = DEFAULT_PREFIX):
        self.limiter = MovingWindowRateLimiter(storage)
        self.item = _item(limit)
        self.prefix = prefix

    def _ids(self, key: Key) -> tuple[str, ...]:
        return (self.prefix, "failures", *key)

    def allowed(self, *keys: Key) -> bool:
        return all(self.limiter.test(self.item, *self._ids(key)) for key in keys)

    def record(self, *keys: Key) -> None:
        for key in keys:
            self.limiter.hit(self.item, *self._ids(key))

    def clear(self, *keys: Key) -> None:
        for key in keys:
            self.limiter.clear(self.item, *self._ids(key))

    def retry_after(self, *keys: Key) -> int:
        """Seconds until every key is under the limit again (at least 1)."""
        resets = [self.limiter.get_window_stats(self.item, *self._ids(key)).reset_time for key in keys]
        return max(1, int(max(resets, default=0) - time.time()) + 1)


def login_keys(username: str, ip: str | None) -> list[Key]:
    """The counters a staff sign-in attempt is charged to: its username and, when known, its address."""
    keys: list[Key] = [("login-user", normalise_username(username))]
    if ip:
        keys.append(("login-ip", ip))
    return keys


def normalise_username(username: str) -> str:
    """``Official`` and ``official `` are guesses at the same account."""
    return (username or "").strip().casefold()


def login_allowed(username: str, ip: str | None, *, storage_uri: str, limit: str, prefix: str = DEFAULT_PREFIX) -> bool:
    """Whether a sign-in attempt for ``username`` from ``ip`` may be checked at all (False: refuse, as 429)."""
    return FailureThrottle(storage_for(storage_uri), limit, prefix).allowed(*login_keys(username, ip))


def record_login_failure(username: str, ip: str | None, *, storage_uri: str, limit: str, prefix: str = DEFAULT_PREFIX) -> None:
    """Count one failed sign-in against the username and the address."""
    FailureThrottle(storage_for(storage_uri), limit, prefix).record(*login_keys(username, ip))


def clear_login_failures(username: str, *, storage_uri: str, limit: str, prefix: str = DEFAULT_PREFIX) -> None:
    """After a successful sign-in: forget the username's failures (the address's stay counted)."""
    FailureThrottle(storage_for(storage_uri), limit, prefix).clear(("login-user", normalise_username(username)))
