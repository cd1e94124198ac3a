"""/metrics: requests by route and status with latency, outbox depth and age, SMS failure rate, jobs' last success."""

from __future__ import annotations

import re
from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families

from api import create_app
from api.common.db import unit_of_work, utcnow
from api.extensions import db
from api.notify import service as notify
from api.notify.models import MessageStatus
from api.ops import service as ops
from api.schedules import SCHEDULES


def scrape(client) -> dict[tuple[str, tuple], float]:
    answer = client.get("/metrics")
    assert answer.status_code == 200 and answer.content_type.startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(answer.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def queue(status: MessageStatus | None = None, *, due_minutes_ago: int = 0) -> None:
    with unit_of_work(db.session):
        message = notify.enqueue(
            db.session, "13800000001", "test_message", {"text": "你好"}, not_before=utcnow() - timedelta(minutes=due_minutes_ago)
        )
        if status:
            message.status = status


def test_requests_are_counted_by_route_template_and_status_with_their_latency(client):
    count = "flask_http_request_duration_seconds_count"
    health = (count, (("method", "GET"), ("route", "/api/v1/health"), ("status", "200")))
    live = (count, (("method", "GET"), ("route", "/api/v1/health/live"), ("status", "200")))
    unmatched = (count, (("method", "GET"), ("route", "<unmatched>"), ("status", "404")))
    before = scrape(client)
    for _ in range(3):
        client.get("/api/v1/health")
    client.get("/api/v1/health/live")
    client.get("/api/v1/no/such/13800000001")
    after = scrape(client)
    assert [after[key] - before.get(key, 0) for key in (health, live, unmatched)] == [3, 1, 1]
    bucket = (
        "flask_http_request_duration_seconds_bucket",
        (("le", "0.1"), ("method", "GET"), ("route", "/api/v1/health"), ("status", "200")),
    )
    assert bucket in after
    assert not any("13800000001" in str(key) for key in after), "a raw path never becomes a label"


def test_routes_with_ids_are_labelled_by_their_rule_not_their_path(client):
    rules = [r.rule for r in client.application.url_map.iter_rules() if "<int:" in r.rule and "GET" in r.methods]
    assert rules, "the API has routes with ids"
    path = re.sub(r"<int:[^>]+>", "987654", rules[0])
    client.get(path)
    labels = {dict(key[1]).get("route") for key in scrape(client) if key[0] == "flask_http_request_duration_seconds_count"}
    assert rules[0] in labels and path not in labels


def test_outbox_depth_age_and_the_last_days_failure_ratio_are_read_from_the_database(client):
    queue(due_minutes_ago=30)
    queue()
    queue(MessageStatus.SENDING)
    queue(MessageStatus.DELIVERED)
    queue(MessageStatus.FAILED)
    queue(MessageStatus.UNDELIVERED)
    queue(MessageStatus.SENT)
    samples = scrape(client)
    assert samples[("zheli_database_up", ())] == 1
    assert samples[("zheli_outbox_messages", (("status", "pending"),))] == 2
    assert samples[("zheli_outbox_messages", (("status", "sending"),))] == 1
    assert 29 * 60 <= samples[("zheli_outbox_overdue_seconds", ())] <= 31 * 60
    assert samples[("zheli_outbox_oldest_pending_age_seconds", ())] >= 0
    assert samples[("zheli_sms_finished_last_day", (("status", "failed"),))] == 1
    assert samples[("zheli_sms_failure_ratio_last_day", ())] == 0.5


def test_each_scheduled_job_reports_its_last_success_and_whether_its_last_run_failed(client):
    first, second = (ops.job_name(s) for s in SCHEDULES[:2])
    start = utcnow() - timedelta(seconds=3)
    ops.record_finish(db.session, first, started=start, finished=start + timedelta(seconds=2), error=None)
    ops.record_finish(db.session, second, started=start, finished=start + timedelta(seconds=1), error="RuntimeError: boom")
    samples = scrape(client)
    success = "zheli_scheduled_job_last_success_timestamp_seconds"
    assert samples[(success, (("job", first),))] == (start + timedelta(seconds=2)).timestamp()
    assert samples[(success, (("job", second),))] == 0
    assert samples[("zheli_scheduled_job_last_run_failed", (("job", first),))] == 0
    assert samples[("zheli_scheduled_job_last_run_failed", (("job", second),))] == 1
    assert samples[("zheli_scheduled_job_last_duration_seconds", (("job", first),))] == 2
    assert {dict(k[1])["job"] for k in samples if k[0] == success} == {ops.job_name(s) for s in SCHEDULES}


def test_the_sms_workers_heartbeat_is_exported(client):
    at = utcnow()
    ops.beat(db.session, "host:7", "notify", at)
    assert scrape(client)[("zheli_worker_last_heartbeat_timestamp_seconds", (("kind", "notify"),))] == at.timestamp()


def test_a_scrape_with_the_database_gone_still_answers_and_says_so(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing-dir/none.db")
    samples = scrape(app.test_client())
    assert samples[("zheli_database_up", ())] == 0


def test_metrics_stay_out_of_the_openapi_document(client):
    assert not any(path.endswith("/metrics") for path in client.get("/api/v1/openapi.json").json["paths"])
