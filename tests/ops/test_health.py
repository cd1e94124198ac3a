"""Liveness, readiness (the database answers and the SMS outbox is worked), and the old health check unchanged."""

from __future__ import annotations

from datetime import timedelta

from api import create_app
from api.common.db import unit_of_work, utcnow
from api.extensions import db
from api.notify import service as notify
from api.ops import service as ops
from tests.assertions import assert_error_shape


def overdue_message(minutes: int) -> None:
    with unit_of_work(db.session):
        notify.enqueue(db.session, "13800000001", "test_message", {"text": "你好"}, not_before=utcnow() - timedelta(minutes=minutes))


def test_liveness_answers_without_touching_the_database(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing-dir/none.db")
    answer = app.test_client().get("/api/v1/health/live")
    assert answer.status_code == 200 and answer.json == {"status": "ok"}


def test_readiness_is_ok_when_the_database_answers_and_nothing_waits(client):
    answer = client.get("/api/v1/health/ready")
    assert answer.status_code == 200
    assert answer.json == {"status": "ok", "database": "ok", "outbox": "ok", "outbox_pending": 0, "outbox_overdue_seconds": 0.0}


def test_readiness_fails_when_messages_are_overdue_and_no_sms_worker_has_shown_life(client):
    overdue_message(minutes=11)
    body = assert_error_shape(client.get("/api/v1/health/ready"), 503, "not_ready")
    assert body["details"]["outbox"] == "stalled" and body["details"]["outbox_pending"] == 1
    assert body["details"]["outbox_overdue_seconds"] >= 11 * 60


def test_readiness_recovers_once_a_worker_beats_again(client):
    overdue_message(minutes=11)
    ops.beat(db.session, "host:1", "notify", utcnow() - timedelta(minutes=30))
    assert client.get("/api/v1/health/ready").status_code == 503, "a heartbeat older than the limit does not count"
    ops.beat(db.session, "host:1", "notify", utcnow())
    answer = client.get("/api/v1/health/ready")
    assert answer.status_code == 200 and answer.json["outbox"] == "ok" and answer.json["outbox_pending"] == 1


def test_a_message_only_just_due_does_not_fail_readiness(client):
    overdue_message(minutes=2)
    assert client.get("/api/v1/health/ready").status_code == 200


def test_readiness_fails_when_the_database_is_gone(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing-dir/none.db")
    body = assert_error_shape(app.test_client().get("/api/v1/health/ready"), 503, "not_ready")
    assert body["details"] == {"database": "unavailable"}


def test_the_original_health_check_keeps_its_answer_even_with_the_outbox_stalled(client):
    overdue_message(minutes=60)
    answer = client.get("/api/v1/health")
    assert answer.status_code == 200 and answer.json == {"status": "ok", "database": "ok"}
