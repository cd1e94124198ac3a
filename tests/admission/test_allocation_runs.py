"""Allocation runs (派位) through the API and the CLI: results, report, dry runs, refusals."""

from __future__ import annotations

from sqlalchemy import func, select

from api.admission.models import AllocationEntry, AllocationRun, Application
from api.auth.models import AuditEntry
from api.extensions import db
from api.notify.models import SmsMessage
from tests.admission.helpers import guardian_headers, make_application, make_guardian, make_school, year
from tests.assertions import assert_error_shape
from tests.factories import citizen_headers, staff_headers

RUNS = "/api/v1/admission/allocation-runs"


def start_run(client, *, seed="20270710", dry_run=False, level="primary", headers=None):
    body = {"year": year(), "level": level, "seed": seed, "dry_run": dry_run}
    return client.post(RUNS, json=body, headers=headers or staff_headers(client, "edu", roles=("edu_official",)))


def crowded_school(planned=2):
    """A school with ``planned`` seats and, applying, one A, two B and two C (80 and 120 points) families."""
    school = make_school(planned=planned)
    families = {}
    for label, category, points in [("a", "A", None), ("b1", "B", None), ("b2", "B", None), ("c80", "C", 80), ("c120", "C", 120)]:
        guardian = make_guardian()
        families[label] = (guardian, make_application(school, guardian, category=category, points=points))
    return school, families


def test_a_run_offers_places_in_rule_order_and_tells_each_guardian_what_they_may_do(client):
    school, families = crowded_school(planned=2)
    answer = start_run(client)
    assert answer.status_code == 201 and answer.json["totals"] == {"applications": 5, "offered": 2, "waitlisted": 1, "not_offered": 2}
    guardian, application = families["a"]
    mine = client.get(f"/api/v1/admission/applications/{application.id}", headers=guardian_headers(client, guardian)).json
    assert mine["status"] == "offered" and mine["result"] == "offered" and mine["offer_expires_at"].endswith("+08:00")
    assert (mine["can_accept"], mine["can_decline"], mine["can_withdraw"], mine["can_request_review"]) == (True, True, False, False)
    step = mine["history"][-1]
    assert step["step"] == "allocated" and "按A类排第 1 位" in step["reason"] and step["by"] == "system"
    c120 = client.get(f"/api/v1/admission/applications/{families['c120'][1].id}", headers=guardian_headers(client, families["c120"][0]))
    assert c120.json["result"] == "not_offered" and c120.json["can_request_review"] is True and c120.json["can_withdraw"] is True
    waitlisted = [families[k][1].id for k in ("b1", "b2")]
    results = {a.id: (a.result, a.waitlist_position) for a in db.session.scalars(select(Application)).all()}
    assert sorted(results[i] for i in waitlisted) == [("offered", None), ("waitlisted", 1)]  # B by lottery: one place, one waits
    templates = db.session.scalars(select(SmsMessage.template).order_by(SmsMessage.id)).all()
    assert sorted(templates) == sorted(["admission_offered"] * 2 + ["admission_waitlisted"] + ["admission_not_offered"] * 2)


def test_the_report_is_public_without_personal_data_and_the_lines_are_for_officials_only(client):
    school, _ = crowded_school(planned=2)
    run = start_run(client).json
    report = client.get(f"{RUNS}/{run['id']}/report")
    assert report.status_code == 200 and report.json["run"]["seed"] == "20270710"
    line = next(s for s in report.json["schools"] if s["school_id"] == school.id)
    assert line["planned"] == 2 and line["applicants"] == {"A": 1, "B": 2, "C": 2} and line["offers"] == 2
    assert line["cutoff"] == {"category": "B", "points": None, "lottery": True} and line["waitlist"] == 1 and line["not_offered"] == 2
    assert "孩子" not in report.get_data(as_text=True)
    assert client.get(f"{RUNS}/{run['id']}").json["totals"]["offered"] == 2
    assert_error_shape(client.get(f"{RUNS}/{run['id']}/entries"), 401, "unauthorized")
    entries = client.get(f"{RUNS}/{run['id']}/entries", headers=staff_headers(client, "edu", roles=("edu_official",))).json["items"]
    assert len(entries) == 5 and all("*" in e["child_name"] for e in entries)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "admission.allocation.entries")) == 1


def test_a_dry_run_stores_its_result_but_gives_none_and_sends_nothing(client):
    crowded_school(planned=2)
    run = start_run(client, dry_run=True).json
    assert run["dry_run"] is True and run["totals"]["offered"] == 2
    assert db.session.scalar(select(func.count()).select_from(AllocationEntry)) == 5
    assert set(db.session.scalars(select(Application.status))) == {"submitted"}
    assert db.session.scalar(select(func.count()).select_from(SmsMessage)) == 0


def test_the_same_seed_gives_the_same_lines(client):
    crowded_school(planned=2)
    crowded_school(planned=1)
    first, second = start_run(client, dry_run=True).json, start_run(client, dry_run=True).json

    def lines(run_id):
        rows = db.session.scalars(select(AllocationEntry).where(AllocationEntry.run_id == run_id).order_by(AllocationEntry.application_id))
        return [(e.application_id, e.lottery, e.rank, e.outcome, e.waitlist_position) for e in rows]

    assert lines(first["id"]) == lines(second["id"])


def test_a_school_without_a_seat_plan_stops_the_run_and_says_which(client):
    crowded_school(planned=2)
    planless = make_school("无计划小学", planned=None)
    make_application(planless)
    body = assert_error_shape(start_run(client), 409, "no_seat_plan")
    assert "无计划小学" in body["message"] and body["details"]["schools"] == [{"id": planless.id, "name": "无计划小学"}]
    assert db.session.scalar(select(func.count()).select_from(AllocationRun)) == 0


def test_only_education_officials_start_a_run_and_only_with_something_to_place(client):
    assert_error_shape(start_run(client), 409, "nothing_to_allocate")
    assert_error_shape(start_run(client, headers=citizen_headers(client, "parent_a")), 403, "forbidden")
    assert_error_shape(start_run(client, headers=staff_headers(client, "eco", roles=("eco_official",))), 403, "forbidden")
    answer = start_run(client, seed="有空格 的种子")
    assert_error_shape(answer, 422, "validation_error")
    assert "seed" in answer.json["details"]


def test_a_second_run_ranks_again_those_still_waiting_and_keeps_the_offers_made(client):
    school, families = crowded_school(planned=2)
    start_run(client)
    offered_before = set(db.session.scalars(select(Application.id).where(Application.status == "offered")))
    second = start_run(client, seed="another").json
    assert second["totals"]["applications"] == 3 and second["totals"]["offered"] == 0
    db.session.expire_all()
    assert set(db.session.scalars(select(Application.id).where(Application.status == "offered"))) == offered_before


def test_the_cli_allocates_and_prints_each_schools_line(runner):
    school, _ = crowded_school(planned=2)
    result = runner.invoke(args=["admission", "allocate", "--level", "primary", "--seed", "20270710", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "dry run" in result.output and f"{school.name} | 2 | 2 | 1/2/2 | 2 | B 摇号 | 1 | 2" in result.output
    assert db.session.scalar(select(AllocationRun.actor)).startswith("cli:")
    refused = runner.invoke(args=["admission", "allocate", "--level", "junior", "--seed", "1"])
    assert refused.exit_code != 0 and "没有待派位的报名" in refused.output
