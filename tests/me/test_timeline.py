"""我的: one timeline across the three services, newest first, the citizen's own only, paged without loss."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.assertions import assert_error_shape
from tests.factories import staff_headers
from tests.me.helpers import (
    application_with_steps,
    booking_on,
    colour_change,
    credit_entry,
    donation_by,
    redemption_by,
    signed_in_citizen,
    vessel_of,
)


def timeline(client, headers, **query) -> dict:
    answer = client.get("/api/v1/me/timeline", query_string=query, headers=headers)
    assert answer.status_code == 200, answer.json
    return answer.json


def test_the_timeline_holds_my_applications_bookings_redemptions_and_credit_changes_newest_first(client):
    headers, me = signed_in_citizen(client)
    application_with_steps(me, [("submitted", 0, None), ("reviewing", 10, None), ("rejected", 20, "房产证明材料不清晰,请补交")])
    vessel = vessel_of(me)
    booking_on(vessel, 30, jin=150)
    credit_entry(vessel, 40, points=5, reason="交纳含油污水 75 kg")
    colour_change(vessel, 50)
    redemption_by(me, 60, code="654321")
    donation_by(me, 70, coins=20)

    items = timeline(client, headers)["items"]

    assert [(i["kind"], i["status"]) for i in items] == [
        ("donation", "donate"),
        ("redemption", "reserved"),
        ("credit_color", "green"),
        ("credit", "pickup"),
        ("booking", "confirmed"),
        ("application", "rejected"),
        ("application", "reviewing"),
        ("application", "submitted"),
    ]
    donation, redemption, colour, entry, booking, decision = items[:6]
    assert [i["service"] for i in items] == ["greencoins"] * 2 + ["pickup"] * 3 + ["admission"] * 3
    assert donation["coins"] == -20 and "证书编号" in donation["note"]
    assert redemption["coins"] == -50 and "654321" in redemption["note"]
    assert colour["previous_status"] == "yellow" and colour["score"] == 80
    assert entry["points"] == 5
    assert "含油污水 150 斤" in booking["note"]  # shown back in the unit the captain gave
    assert decision["note"] == "房产证明材料不清晰,请补交"  # the official's note reaches the guardian
    assert decision["at"].endswith("+08:00")
    assert all(i["status_group"] for i in items)


def test_the_timeline_shows_nothing_of_another_citizen(client):
    mine, me = signed_in_citizen(client)
    theirs, other = signed_in_citizen(client, name="李秀英")
    application_with_steps(other, [("submitted", 0, None)], child_name="陈思远")
    redemption_by(other, 5)
    credit_entry(vessel_of(other), 6)
    redemption_by(me, 7)

    assert [i["kind"] for i in timeline(client, mine)["items"]] == ["redemption"]
    assert {i["kind"] for i in timeline(client, theirs)["items"]} == {"application", "redemption", "credit"}


def test_an_empty_history_is_an_empty_page(client):
    headers, _ = signed_in_citizen(client)
    assert timeline(client, headers) == {"items": [], "next_cursor": None}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(minutes=st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=9), limit=st.integers(min_value=1, max_value=4))
def test_paging_through_the_timeline_yields_every_item_once_in_order_even_with_equal_times(client, minutes, limit):
    headers, me = signed_in_citizen(client)
    vessel = vessel_of(me)
    makers = [(redemption_by, me), (credit_entry, vessel), (booking_on, vessel), (donation_by, me)]
    for i, minute in enumerate(minutes):  # a few sources, many equal times
        make, owner = makers[i % len(makers)]
        make(owner, minute)
    everything = timeline(client, headers, limit=100)["items"]

    seen, cursor = [], None
    while True:
        page = timeline(client, headers, limit=limit, **({"cursor": cursor} if cursor else {}))
        assert len(page["items"]) <= limit
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert [i["id"] for i in seen] == [i["id"] for i in everything]
    assert len(everything) == len(minutes)
    assert [i["at"] for i in everything] == sorted((i["at"] for i in everything), reverse=True)


def test_a_forged_cursor_is_refused_in_the_error_shape(client):
    headers, _ = signed_in_citizen(client)
    forged = ("bm90IGpzb24", "%%%", "1.7.1", "1.0.1", "-1.1.1", "1.1.1\n", "１.1.1", "1.1", "12345678901234567.1.1")
    forged += ("1.1.12345678901234567890", " 1.1.1")
    for cursor in forged:
        answer = client.get("/api/v1/me/timeline", query_string={"cursor": cursor}, headers=headers)
        assert_error_shape(answer, 422, "validation_error")
        assert "cursor" in answer.json["details"]


def test_every_cursor_of_the_documented_shape_is_a_position(client):
    """The document's pattern is exact: whatever matches it pages (far future, far past, ids beyond the range)."""
    headers, me = signed_in_citizen(client)
    redemption_by(me, 0)
    for cursor in ("0.1.1", "9999999999999999.6.9999999999999999999", "1764000000000000.3.1"):
        answer = client.get("/api/v1/me/timeline", query_string={"cursor": cursor}, headers=headers)
        assert answer.status_code == 200, answer.json
    assert timeline(client, headers, cursor="0.1.1")["items"] == []
    assert len(timeline(client, headers, cursor="9999999999999999.6.9999999999999999999")["items"]) == 1


def test_the_timeline_and_inbox_are_for_signed_in_citizens_only(client):
    for path in ("/api/v1/me/timeline", "/api/v1/me/messages"):
        assert_error_shape(client.get(path), 401, "unauthorized")
        assert_error_shape(client.get(path, headers=staff_headers(client, "eco1", roles=("eco_official",))), 403, "forbidden")
