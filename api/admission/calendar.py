"""The admission calendar: the one admission year, and the deadline of an offered place."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from api.common.db import SHANGHAI, local_now
from config import load_config

DEFAULT_OFFER_DAYS = 7  # the ADMISSION_OFFER_DAYS setting's default


def admission_year(today: date | None = None, *, configured: int | None = None) -> int:
    """The admission year every route, seed, command and cockpit page uses.

    ``configured`` is the ``ADMISSION_YEAR`` setting (0: not set); left out, it is read from the
    environment's settings, so a seed or the cockpit honours it as the API does. Unset, enrollment
    runs in summer: until August it is this year's, from September next year's.
    """
    if configured is None:
        configured = load_config().ADMISSION_YEAR
    if configured:
        return configured
    today = today or local_now().date()
    return today.year if today.month <= 8 else today.year + 1


def offer_deadline(now: datetime, days: int) -> datetime:
    """An offer holds until the end of the ``days``-th day (Shanghai time) after it is made: a date a parent can read."""
    last_day = now.astimezone(SHANGHAI).date() + timedelta(days=days)
    return datetime.combine(last_day, time(23, 59, 59), tzinfo=SHANGHAI)


def local_day(moment: datetime) -> str:
    """A deadline as parents read it in an SMS: 7月17日24:00."""
    local = moment.astimezone(SHANGHAI)
    return f"{local.month}月{local.day}日24:00"
