"""The program's monthly coin budget: officials set it, the month shows what it issued, the cockpit its burn rate."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from api.auth.models import AuditEntry
from api.common.db import SHANGHAI, unit_of_work
from api.extensions import db
from api.greencoins import budget
from api.greencoins.models import MonthlyBudget
from tests.assertions import assert_error_shape
from tests.factories import staff_headers
from tests.greencoins.helpers import green_world, resident, set_budget, this_month


@pytest.fixture(autouse=True)
def _world():
    green_world()


def test_a_month_nobody_set_shows_the_configured_budget(client):
    assert client.get("/api/v1/greencoins/budget").json == {"month": this_month(), "budget": 1_000_000, "issued": 0, "remaining": 1_000_000}


def test_a_budget_stands_until_officials_change_it(client):
    set_budget("2020-01", 5000)
    assert client.get("/api/v1/greencoins/budget").json["budget"] == 5000
    assert client.get("/api/v1/greencoins/budget?month=2019-12").json["budget"] == 1_000_000


def test_eco_officials_set_the_budget_and_it_is_audited(client):
    official = staff_headers(client, "eco1", roles=("eco_official",))
    answer = client.put("/api/v1/greencoins/budget", headers=official, json={"budget": 80_000})
    assert answer.status_code == 200 and answer.json == {"month": this_month(), "budget": 80_000, "issued": 0, "remaining": 80_000}
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "greencoins.budget.set"))
    assert audit.subject == f"month:{this_month()}" and "80000" in audit.detail


def test_a_budget_below_what_the_month_issued_is_refused(client):
    set_budget(this_month(), 1000, issued=600)
    official = staff_headers(client, "eco1", roles=("eco_official",))
    body = assert_error_shape(client.put("/api/v1/greencoins/budget", headers=official, json={"budget": 500}), 409, "budget_below_issued")
    assert body["details"] == {"issued": 600, "budget": 500}


def test_only_eco_officials_set_the_budget_and_bad_input_is_refused(client):
    citizen, _ = resident(client)
    station = staff_headers(client, "station1", roles=("station",))
    official = staff_headers(client, "eco1", roles=("eco_official",))
    assert_error_shape(client.put("/api/v1/greencoins/budget", headers=citizen, json={"budget": 1}), 403, "forbidden")
    assert_error_shape(client.put("/api/v1/greencoins/budget", headers=station, json={"budget": 1}), 403, "forbidden")
    assert_error_shape(client.put("/api/v1/greencoins/budget", json={"budget": 1}), 401, "unauthorized")
    assert_error_shape(client.put("/api/v1/greencoins/budget", headers=official, json={"budget": -1}), 422, "validation_error")
    assert_error_shape(
        client.put("/api/v1/greencoins/budget", headers=official, json={"month": "2026-13", "budget": 1}), 422, "validation_error"
    )
    assert_error_shape(client.get("/api/v1/greencoins/budget?month=May"), 422, "validation_error")


def test_the_burn_rate_projects_the_day_the_budget_runs_out():
    year = date.today().year
    set_budget(f"{year}-03", 3000, issued=900)
    burn = budget.burn_rate(db.session, now=datetime(year, 3, 10, tzinfo=SHANGHAI))
    assert (burn.issued, burn.remaining, burn.days_elapsed, burn.coins_per_day) == (900, 2100, 9.0, 100.0)
    assert burn.run_out_on == date(year, 3, 31) and burn.runs_out_this_month
    set_budget(f"{year}-04", 3000, issued=10)
    slow = budget.burn_rate(db.session, now=datetime(year, 4, 10, tzinfo=SHANGHAI))
    assert not slow.runs_out_this_month


def test_two_draws_in_one_transaction_both_count_when_the_first_creates_the_months_row():
    """A batch that awards twice in one transaction (the first creates the month's row under lock): both grants land."""
    at = datetime(2031, 3, 10, 12, tzinfo=SHANGHAI)
    with unit_of_work(db.session):
        assert budget.draw(db.session, at, 10, default=1000) == 10  # no row for 2031-03 yet: lock_month creates it
        assert budget.draw(db.session, at, 5, default=1000) == 5
    db.session.expire_all()
    assert db.session.get_one(MonthlyBudget, "2031-03").issued == 15
