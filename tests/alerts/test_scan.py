"""趋势预警: a day far from its own history opens one alert, texts the bureau's duty official once; officials of that
bureau acknowledge, assign and close it, and another bureau's officials cannot see or touch it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from api.alerts import facts, service
from api.alerts.models import Alert, AlertStatus, DailyFact, RollupState
from api.common.db import local_now, utcnow
from api.extensions import db
from api.notify.models import SmsMessage
from tests.factories import make_staff, staff_headers

PICKUPS_PER_DAY = [5, 6, 4, 5, 7, 5, 6, 4, 5, 6, 5, 4, 6, 5, 7, 5, 6, 5, 4, 6, 5, 5, 6, 4, 5, 6, 5, 5]


def history(metric: str, values: list[float], last: float, *, dim: str = "1") -> None:
    """Stored daily facts: ``values`` for the days before yesterday, ``last`` for yesterday (rolled up through it)."""
    yesterday = local_now().date() - timedelta(days=1)
    days = [yesterday - timedelta(days=len(values) - i) for i in range(len(values))]
    for day, value in [*zip(days, values, strict=True), (yesterday, last)]:
        db.session.add(DailyFact(metric=metric, day=day, dim=dim, value=value))
    db.session.merge(RollupState(name=facts.STATE, rolled_through=yesterday, rolled_at=utcnow()))
    db.session.commit()


def test_a_robust_z_score_ignores_a_few_odd_days_in_the_history():
    calm = [5.0] * 20 + [60.0, 0.0]  # a storm and a holiday
    score, baseline = service.robust_z(calm, 6.0, floor=1.0)
    assert baseline == 5.0 and abs(score) < 3.5
    assert service.robust_z(calm, 40.0, floor=1.0)[0] > 3.5


def test_a_surge_of_pickups_opens_one_alert_and_texts_the_ocean_duty_official_once():
    service.set_duty(db.session, "pickup", "海洋值班员", "13900000001")
    history("pickups", PICKUPS_PER_DAY, 40)
    opened = service.scan(db.session)
    assert [(a.bureau, a.metric) for a in opened] == [("pickup", "pickups")]
    assert "偏高" in opened[0].title and opened[0].score > 3.5
    texts = db.session.scalars(select(SmsMessage).where(SmsMessage.template == "alert_opened")).all()
    assert [t.phone for t in texts] == ["13900000001"] and "海洋与渔业局" in texts[0].body
    assert service.scan(db.session) == []  # opened once
    assert db.session.scalar(select(func.count()).select_from(Alert)) == 1
    assert db.session.scalar(select(func.count()).select_from(SmsMessage)) == 1


def test_an_ordinary_day_opens_nothing_and_a_short_history_is_not_judged():
    history("pickups", PICKUPS_PER_DAY, 6)
    assert service.scan(db.session) == []
    db.session.execute(db.delete(DailyFact))
    history("coins_issued", [100.0] * 5, 5000)  # five days: too little history to judge
    assert service.scan(db.session) == []


def test_a_drop_is_an_alert_too():
    history("pickups", [8.0] * 20 + [9, 7, 8, 9, 7, 8, 9, 7], 0)
    (alert,) = service.scan(db.session)
    assert "偏低" in alert.title and alert.score < -3.5


@pytest.fixture
def pickup_alert():
    history("pickups", PICKUPS_PER_DAY, 40)
    (alert,) = service.scan(db.session)
    return alert.id


def test_ocean_officials_acknowledge_assign_and_close_their_alert_through_the_api(client, pickup_alert):
    headers = staff_headers(client, "ocean1", roles=("ocean_official",))
    make_staff("ocean2", roles=("ocean_official",))
    listed = client.get("/api/v1/alerts", headers=headers)
    assert listed.status_code == 200 and [a["id"] for a in listed.json["items"]] == [pickup_alert]
    answer = client.post(f"/api/v1/alerts/{pickup_alert}/acknowledge", headers=headers)
    assert answer.status_code == 200 and answer.json["status"] == "acknowledged"
    answer = client.post(f"/api/v1/alerts/{pickup_alert}/assign", json={"assignee": "ocean2"}, headers=headers)
    assert answer.status_code == 200 and answer.json["status"] == "assigned"
    answer = client.post(f"/api/v1/alerts/{pickup_alert}/assign", json={"assignee": "nobody"}, headers=headers)
    assert answer.status_code == 422 and "assignee" in answer.json["details"]
    assert client.post(f"/api/v1/alerts/{pickup_alert}/close", json={"note": " "}, headers=headers).status_code == 422
    answer = client.post(f"/api/v1/alerts/{pickup_alert}/close", json={"note": "台风前集中送港,已核实"}, headers=headers)
    assert answer.status_code == 200 and answer.json["status"] == "closed"
    assert db.session.get(Alert, pickup_alert).status == AlertStatus.CLOSED
    assert client.post(f"/api/v1/alerts/{pickup_alert}/acknowledge", headers=headers).status_code == 409


def test_another_bureaus_official_neither_sees_nor_changes_the_alert(client, pickup_alert):
    headers = staff_headers(client, "edu1", roles=("edu_official",))
    assert client.get("/api/v1/alerts", headers=headers).json["items"] == []
    for action, body in [("acknowledge", None), ("assign", {"assignee": "edu1"}), ("close", {"note": "x"})]:
        answer = client.post(f"/api/v1/alerts/{pickup_alert}/{action}", json=body, headers=headers)
        assert answer.status_code == 404 and answer.json["error"] == "not_found", action
    assert db.session.get(Alert, pickup_alert).status == AlertStatus.OPEN


def test_an_education_official_cannot_be_assigned_an_ocean_alert(client, pickup_alert):
    headers = staff_headers(client, "official", roles=("admin",))
    make_staff("edu1", roles=("edu_official",))
    answer = client.post(f"/api/v1/alerts/{pickup_alert}/assign", json={"assignee": "edu1"}, headers=headers)
    assert answer.status_code == 422


def test_the_scan_command_reports_what_it_opened(runner):
    history("pickups", PICKUPS_PER_DAY, 40)
    result = runner.invoke(args=["alerts", "scan"])
    assert result.exit_code == 0 and "alerts opened: 1" in result.output
    result = runner.invoke(args=["cockpit", "rollup"])
    assert result.exit_code == 0 and "rolled up" in result.output
