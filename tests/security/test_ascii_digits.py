"""Identifiers are ASCII digits only: a full-width or other-script digit is refused (422), never a second identity.

Python's ``\\d`` and ``int()`` accept every Unicode decimal digit (``５``, ``٥``, ``५``, ``൫``...). The strategies below
re-spell valid identifiers with digits of the same value from other scripts, so the check digit still adds up.
"""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from api.auth.models import Citizen
from api.common.digits import has_non_ascii_digit, is_ascii_digits
from api.common.pii import InvalidIdNumber, normalize_id_number, normalize_phone
from api.extensions import db
from api.pickup.models import Vessel
from api.seed.residents import make_id_number
from tests.assertions import assert_error_shape
from tests.factories import citizen_headers
from tests.pickup.helpers import register
from tests.security.helpers import station_headers

# Every Unicode decimal digit that is not 0-9, by value.
OTHER_DIGITS: dict[int, list[str]] = {}
for point in range(0x110000):
    char = chr(point)
    if unicodedata.category(char) == "Nd" and char not in "0123456789":
        OTHER_DIGITS.setdefault(unicodedata.decimal(char), []).append(char)

HTTP_EXAMPLES = settings(max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@st.composite
def respelled(draw, ascii_value: str) -> str:
    """``ascii_value`` with at least one of its digits written in another script (same value)."""
    positions = [i for i, ch in enumerate(ascii_value) if ch.isdigit()]
    chosen = draw(st.sets(st.sampled_from(positions), min_size=1))
    chars = list(ascii_value)
    for i in chosen:
        chars[i] = draw(st.sampled_from(OTHER_DIGITS[int(chars[i])]))
    return "".join(chars)


ID_NUMBER = make_id_number("331002", date(1988, 4, 12), 315)


def test_there_are_many_other_digits_to_try():
    assert all(len(OTHER_DIGITS[v]) > 50 for v in range(10))
    assert is_ascii_digits("0123456789") and not is_ascii_digits("０") and has_non_ascii_digit("12٣")


@given(respelled(ID_NUMBER))
def test_an_id_number_with_any_non_ascii_digit_is_refused(value):
    assert int(value[:17]) == int(ID_NUMBER[:17])  # what \\d and int() would have accepted as the same number
    with pytest.raises(InvalidIdNumber):
        normalize_id_number(value)


@given(respelled("13800000001"))
def test_a_phone_with_any_non_ascii_digit_is_refused(value):
    with pytest.raises(ValueError):
        normalize_phone(value)


@HTTP_EXAMPLES
@given(id_number=respelled(ID_NUMBER))
def test_signing_in_with_a_respelled_id_number_never_makes_a_second_citizen(client, id_number):
    citizen_headers(client, id_number=ID_NUMBER)
    answer = client.post("/mock-zlb/tickets", json={"id_number": id_number, "name": "王建国", "phone": "13800000001"})
    assert_error_shape(answer, 422, "validation_error")
    assert db.session.scalar(select(func.count()).select_from(Citizen)) == 1


@pytest.fixture
def station(client) -> dict:
    return station_headers(client, "station1")


@pytest.fixture
def captain(client) -> dict:
    register("浙椒渔77033", "captain_green")
    return citizen_headers(client, "captain_green")


@HTTP_EXAMPLES
@given(code=respelled("493817"))
def test_a_pickup_code_with_non_ascii_digits_is_refused_as_input(client, station, code):
    answer = client.post("/api/v1/greencoins/redemptions/fulfil", json={"code": code}, headers=station)
    assert_error_shape(answer, 422, "validation_error")


@HTTP_EXAMPLES
@given(vessel_no=respelled("浙椒渔77033"))
def test_a_vessel_number_with_non_ascii_digits_is_refused_and_no_look_alike_is_bound(client, captain, vessel_no):
    answer = client.post("/api/v1/pickup/vessels", json={"vessel_no": vessel_no, "name": "测试船"}, headers=captain)
    assert_error_shape(answer, 422, "validation_error")
    assert db.session.scalar(select(func.count()).select_from(Vessel)) == 0
