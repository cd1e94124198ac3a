"""Credit rule v2: violations always bite, entries age out on the daily run, appeals can overturn a deduction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from api.common.db import unit_of_work, utcnow
from api.extensions import db
from api.notify.models import SmsMessage
from api.pickup import credit
from api.pickup.models import CreditEntry, CreditKind, Vessel
from tests.assertions import assert_error_shape
from tests.factories import citizen_headers, staff_headers
from tests.pickup.helpers import captain, ocean, pickup_world


@pytest.fixture(autouse=True)
def _world():
    pickup_world()


def add_entries(vessel_id: int, kind: CreditKind, points: int, count: int = 1, days_ago: int = 1) -> list[int]:
    """Credit entries written straight to the table (a record built up over time), then the vessel refreshed."""
    with unit_of_work(db.session):
        rows = [
            CreditEntry(vessel_id=vessel_id, kind=kind, points=points, reason="测试记录", created_at=utcnow() - timedelta(days=days_ago))
            for _ in range(count)
        ]
        db.session.add_all(rows)
        db.session.flush()
        credit.refresh(db.session, db.session.get(Vessel, vessel_id))
    return [row.id for row in rows]


def deduct(client, vessel_id: int, points: int, headers=None):
    body = {"points": points, "reason": "违规排放含油污水"}
    return client.post(f"/api/v1/pickup/vessels/{vessel_id}/deductions", json=body, headers=headers or ocean(client))


def color_sms() -> int:
    return db.session.scalar(select(func.count()).select_from(SmsMessage).where(SmsMessage.template == "credit_color_changed"))


@settings(deadline=None)  # a pure rule; the shared CI machine's load must not fail it on time
@given(positive=st.integers(0, 10_000), negative=st.integers(-10_000, 0), deduction=st.integers(1, 50))
def test_a_deduction_always_lowers_the_score_unless_it_is_already_zero(positive, negative, deduction):
    before = credit.score_from(positive, negative)
    after = credit.score_from(positive, negative - deduction)
    assert after < before or before == 0
    assert 0 <= after <= 100


def test_a_vessel_at_the_positive_cap_loses_points_on_a_deduction(client):
    headers, vessel = captain(client)
    add_entries(vessel, CreditKind.PICKUP, 5, count=40)  # 200 points of good conduct, capped at 30
    assert db.session.get(Vessel, vessel).credit_score == 100
    answer = deduct(client, vessel, 30)
    assert answer.status_code == 201 and answer.json["credit_score"] == 70 and answer.json["credit_color"] == "yellow"


def test_the_colour_boundaries_follow_the_documented_rule():
    assert [credit.color_for(s) for s in (100, 80, 79, 60, 59, 0)] == ["green", "green", "yellow", "yellow", "red", "red"]


def test_ageing_out_changes_the_colour_on_the_daily_run_and_texts_the_captain_once(client):
    headers, vessel = captain(client)
    add_entries(vessel, CreditKind.DEDUCTION, -20, days_ago=credit.WINDOW_DAYS - 1)
    assert db.session.get(Vessel, vessel).credit_color == "red"
    sent = color_sms()
    with unit_of_work(db.session):  # a day passes: the deduction is now 366 days old
        db.session.execute(CreditEntry.__table__.update().values(created_at=utcnow() - timedelta(days=credit.WINDOW_DAYS + 1)))
    first = credit.recompute_all(db.session)
    assert (first.scores_changed, first.colors_changed) == (1, 1)
    refreshed = db.session.get(Vessel, vessel)
    db.session.refresh(refreshed)
    assert (refreshed.credit_score, refreshed.credit_color) == (70, "yellow")
    assert color_sms() == sent + 1
    second = credit.recompute_all(db.session)
    assert (second.scores_changed, second.colors_changed) == (0, 0) and color_sms() == sent + 1


def test_the_daily_command_is_scheduled_and_reports_what_it_changed(runner, client):
    from api.schedules import SCHEDULES

    assert ("pickup", "recompute-credit") in [s.command for s in SCHEDULES]
    _, vessel = captain(client)
    add_entries(vessel, CreditKind.DEDUCTION, -5, days_ago=credit.WINDOW_DAYS + 3)
    with unit_of_work(db.session):
        db.session.get(Vessel, vessel).credit_score = 65  # stale, as if the entry had aged out overnight
    result = runner.invoke(args=["pickup", "recompute-credit"])
    assert result.exit_code == 0 and "scores changed: 1" in result.output
    assert "scores changed: 0" in runner.invoke(args=["pickup", "recompute-credit"]).output


def test_an_overturned_appeal_restores_the_score_and_both_steps_are_in_the_history(client):
    headers, vessel = captain(client)
    add_entries(vessel, CreditKind.PICKUP, 5, count=6)  # 100, capped
    deduct(client, vessel, 30)
    entry = client.get(f"/api/v1/pickup/vessels/{vessel}/credit", headers=headers).json["entries"][0]
    assert entry["kind"] == "deduction" and entry["appealable"] is True
    appealed = client.post(
        f"/api/v1/pickup/credit-entries/{entry['id']}/appeal", json={"reason": "当天在港避风,已电话报告"}, headers=headers
    )
    assert appealed.status_code == 201 and appealed.json["status"] == "pending"
    pending = client.get("/api/v1/pickup/appeals", headers=ocean(client)).json["items"]
    assert [a["entry_id"] for a in pending] == [entry["id"]]
    decided = client.post(
        f"/api/v1/pickup/credit-entries/{entry['id']}/decision",
        json={"upheld": False, "reason": "核实港口记录,撤销"},
        headers=ocean(client),
    )
    assert decided.status_code == 200 and decided.json["status"] == "overturned"
    view = client.get(f"/api/v1/pickup/vessels/{vessel}/credit", headers=headers).json
    assert view["score"] == 100 and view["color"] == "green"
    history = view["entries"][0]
    assert history["counts"] is False and history["appeal"]["decision_reason"] == "核实港口记录,撤销"
    assert history["appeal"]["reason"] == "当天在港避风,已电话报告"
    sms = db.session.scalars(select(SmsMessage).where(SmsMessage.template == "credit_appeal_decided")).one()
    assert "撤销扣分" in sms.body


def test_an_upheld_appeal_keeps_the_deduction(client):
    headers, vessel = captain(client)
    deduct(client, vessel, 15)
    entry = client.get(f"/api/v1/pickup/vessels/{vessel}/credit", headers=headers).json["entries"][0]["id"]
    client.post(f"/api/v1/pickup/credit-entries/{entry}/appeal", json={"reason": "不服"}, headers=headers)
    decided = client.post(
        f"/api/v1/pickup/credit-entries/{entry}/decision", json={"upheld": True, "reason": "有执法记录"}, headers=ocean(client)
    )
    assert decided.json["status"] == "upheld"
    assert client.get(f"/api/v1/pickup/vessels/{vessel}/credit", headers=headers).json["score"] == 55
    again = client.post(f"/api/v1/pickup/credit-entries/{entry}/decision", json={"upheld": False, "reason": "改判"}, headers=ocean(client))
    assert_error_shape(again, 409, "conflict")


def test_a_deduction_is_appealed_once_by_its_own_captain_only(client):
    headers, vessel = captain(client)
    deduct(client, vessel, 10)
    entry = client.get(f"/api/v1/pickup/vessels/{vessel}/credit", headers=headers).json["entries"][0]["id"]
    other = citizen_headers(client, "captain_red")
    assert_error_shape(
        client.post(f"/api/v1/pickup/credit-entries/{entry}/appeal", json={"reason": "冒充"}, headers=other), 404, "not_found"
    )
    assert client.post(f"/api/v1/pickup/credit-entries/{entry}/appeal", json={"reason": "第一次"}, headers=headers).status_code == 201
    second = client.post(f"/api/v1/pickup/credit-entries/{entry}/appeal", json={"reason": "第二次"}, headers=headers)
    assert "只能申诉一次" in assert_error_shape(second, 409, "conflict")["message"]


def test_good_conduct_cannot_be_appealed_and_only_ocean_officials_decide(client):
    headers, vessel = captain(client)
    [good] = add_entries(vessel, CreditKind.PICKUP, 5)
    assert_error_shape(
        client.post(f"/api/v1/pickup/credit-entries/{good}/appeal", json={"reason": "试试"}, headers=headers), 409, "conflict"
    )
    teacher = staff_headers(client, "edu1", roles=("edu_official",))
    answer = client.post(f"/api/v1/pickup/credit-entries/{good}/decision", json={"upheld": True, "reason": "无关"}, headers=teacher)
    assert_error_shape(answer, 403, "forbidden")


def test_the_rule_is_served_from_its_one_home(client):
    lines = client.get("/api/v1/pickup/credit-rule").json["lines"]
    assert lines == list(credit.RULE) and any("上限" in line for line in lines)
    headers, vessel = captain(client)
    assert client.get(f"/api/v1/pickup/vessels/{vessel}/credit", headers=headers).json["rule"] == "\n".join(credit.RULE)


@pytest.mark.parametrize("points", [10.7, "10", True])
def test_a_deduction_of_anything_but_a_whole_number_of_points_is_refused_not_rounded(client, points):
    _, vessel = captain(client)
    answer = deduct(client, vessel, points)
    assert_error_shape(answer, 422, "validation_error")
    assert "points" in answer.json["details"]
    assert db.session.scalar(select(func.count()).select_from(CreditEntry).where(CreditEntry.vessel_id == vessel)) == 0
