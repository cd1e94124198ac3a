"""Seat plans (计划学位): imported or set by education officials, audited; never below the places already held."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from api.admission.calendar import admission_year, offer_deadline
from api.admission.models import Level, SeatPlan
from api.auth.models import AuditEntry
from api.common.db import SHANGHAI
from api.extensions import db
from tests.admission.helpers import make_application, make_school, year
from tests.admission.test_allocation_runs import start_run
from tests.admission.test_imports import write
from tests.assertions import assert_error_shape
from tests.factories import citizen_headers, staff_headers


def put_plan(client, school_id, planned, headers=None):
    return client.put(
        f"/api/v1/admission/schools/{school_id}/seats",
        json={"year": year(), "planned": planned},
        headers=headers or staff_headers(client, "edu", roles=("edu_official",)),
    )


def test_an_official_sets_a_plan_and_the_change_is_audited(client):
    school = make_school(planned=None)
    assert client.get(f"/api/v1/admission/schools/{school.id}/seats").json["has_plan"] is False
    answer = put_plan(client, school.id, 80)
    assert answer.status_code == 200 and answer.json["planned"] == 80 and answer.json["previous"] is None and answer.json["has_plan"]
    assert put_plan(client, school.id, 120).json["previous"] == 80
    details = db.session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "admission.seat_plan").order_by(AuditEntry.id)).all()
    assert details == [f"year={year()} None->80", f"year={year()} 80->120"]


def test_a_plan_cannot_drop_below_the_places_offered_or_admitted(client):
    school = make_school(planned=2)
    make_application(school)
    make_application(school)
    start_run(client, seed="1")
    assert_error_shape(put_plan(client, school.id, 1), 409, "plan_below_taken")
    assert db.session.scalar(select(SeatPlan.planned).where(SeatPlan.school_id == school.id)) == 2
    seats = client.get(f"/api/v1/admission/schools/{school.id}/seats").json
    assert (seats["planned"], seats["offered"], seats["admitted"], seats["remaining"]) == (2, 2, 0, 0)


def test_only_education_officials_set_plans_and_only_sensible_numbers(client):
    school = make_school(planned=None)
    assert_error_shape(put_plan(client, school.id, 10, citizen_headers(client, "parent_a")), 403, "forbidden")
    assert_error_shape(put_plan(client, school.id, -1), 422, "validation_error")
    assert_error_shape(put_plan(client, 999_999, 10), 404, "not_found")


def test_seat_plans_import_from_csv_whole_or_not_at_all(runner, tmp_path):
    school = make_school("导入计划小学", planned=None)
    junior = make_school("导入计划中学", level=Level.JUNIOR, planned=None)
    good = f"school,level,year,planned\n{school.name},primary,{year()},120\n{junior.name},junior,{year()},80\n"
    assert "imported seat-plans: 2" in runner.invoke(args=["admission", "import", "seat-plans", write(tmp_path, "p.csv", good)]).output
    bad = f"school,level,year,planned\n{school.name},primary,{year()},160\n{junior.name},primary,{year()},80\n"
    result = runner.invoke(args=["admission", "import", "seat-plans", write(tmp_path, "bad.csv", bad)])
    assert result.exit_code != 0 and "第 3 行" in result.output
    assert db.session.scalar(select(SeatPlan.planned).where(SeatPlan.school_id == school.id)) == 120
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "admission.import.seat-plans")) is not None


def test_the_admission_year_is_one_rule_that_honours_the_setting(monkeypatch):
    assert admission_year(date(2031, 8, 31), configured=0) == 2031
    assert admission_year(date(2031, 9, 1), configured=0) == 2032
    assert admission_year(date(2031, 9, 1), configured=2040) == 2040
    monkeypatch.setenv("ADMISSION_YEAR", "2035")
    assert admission_year(date(2031, 9, 1)) == 2035  # seeds and the cockpit read the same setting
    monkeypatch.delenv("ADMISSION_YEAR")
    assert admission_year(date(2031, 9, 1)) == 2032


def test_an_offer_deadline_is_the_end_of_a_shanghai_day():
    made = datetime(2031, 7, 10, 23, 30, tzinfo=SHANGHAI)
    assert offer_deadline(made, 7) == datetime(2031, 7, 17, 23, 59, 59, tzinfo=SHANGHAI)
