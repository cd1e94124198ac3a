"""Generators for the custom formats the OpenAPI document names (loaded by the schemathesis CLI: SCHEMATHESIS_HOOKS).

A format names a rule JSON Schema cannot state (a check digit, a window that moves with today); clients read its
description, schemathesis draws valid values from here.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import schemathesis
from hypothesis import strategies as st

from api.common.db import local_now
from api.common.pii import id_check_char


@st.composite
def _id_numbers(draw) -> str:
    """18 characters, a real birth date, the GB 11643 check digit."""
    region = draw(st.sampled_from(["331002", "331024", "330102"]))
    born = draw(st.dates(min_value=date(1930, 1, 1), max_value=date(2024, 12, 31)))
    first17 = f"{region}{born:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return first17 + id_check_char(first17)


def _recent_dates(days: int) -> st.SearchStrategy[str]:
    today = local_now().date()
    return st.integers(0, days - 1).map(lambda back: (today - timedelta(days=back)).isoformat())


def _coming_times(days: int) -> st.SearchStrategy[str]:
    """A time from an hour ahead to a day short of ``days`` ahead (the request reaches the server a moment later)."""
    return st.integers(3600, (days - 1) * 86400).map(lambda ahead: (local_now() + timedelta(seconds=ahead)).isoformat())


schemathesis.openapi.format("gb11643-id-number", _id_numbers())
# A key not used before for another request: a fresh UUID each draw (hypothesis' own uuids repeat simple values).
schemathesis.openapi.format("idempotency-key", st.builds(lambda: str(uuid.uuid4())))
schemathesis.openapi.format("date-time-next-366-days", _coming_times(366))
schemathesis.openapi.format("date-today-or-yesterday", _recent_dates(2))
