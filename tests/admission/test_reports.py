"""The cockpit's admission figures: the latest real run's line per school, and the open reviews (names masked)."""

from __future__ import annotations

from flask import current_app

from api.admission.models import Level
from api.admission.reports import latest_run_results, open_reviews
from api.admission.reviews import request_review
from api.common.pii import hash_id_number
from api.extensions import db
from tests.admission.helpers import make_application, make_guardian, make_school, select_citizen_id, year
from tests.admission.test_allocation_runs import crowded_school, start_run


def test_the_latest_real_run_gives_each_schools_offers_waitlist_and_cut_off(client):
    assert latest_run_results(db.session, year(), Level.PRIMARY) == []
    school, _ = crowded_school(planned=2)
    start_run(client, seed="1")
    start_run(client, seed="2", dry_run=True)  # dry runs are previews: never the published result
    rows = latest_run_results(db.session, year(), "primary")
    row = next(r for r in rows if r["school_id"] == school.id)
    assert (row["planned"], row["applicants"], row["offers"], row["waitlist"], row["not_offered"]) == (2, 5, 2, 1, 2)
    assert (row["cutoff_category"], row["cutoff_points"], row["cutoff_by_lottery"], row["seed"]) == ("B", None, True, "1")
    assert (row["offered_now"], row["admitted_now"], row["waitlisted_now"]) == (2, 0, 1)


def test_open_reviews_list_the_oldest_first_with_names_masked(client):
    school = make_school(planned=0)
    guardian = make_guardian()
    application = make_application(school, guardian, category="C", points=10)
    start_run(client, seed="1")
    request_review(db.session, _citizen_id(guardian), application.id, reason="积分计算有误")
    rows = open_reviews(db.session)
    assert len(rows) == 1 and rows[0]["application_id"] == application.id and rows[0]["reason"] == "积分计算有误"
    assert "*" in rows[0]["child_name"] and rows[0]["status"] == "not_offered" and rows[0]["days_open"] == 0


def _citizen_id(guardian: dict) -> int:
    return db.session.scalar(select_citizen_id(hash_id_number(guardian["id_number"], current_app.config["PII_HASH_KEY"])))
