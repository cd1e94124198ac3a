"""On PostgreSQL, several worker processes share the outbox and no message goes out twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from api.common.db import unit_of_work
from api.extensions import db
from api.notify import service
from api.notify.models import MessageStatus, SmsMessage
from config import PROJECT_ROOT


def worker_env(database_url: str, stub) -> dict:
    return os.environ | {
        "APP_ENV": "development",
        "DATABASE_URL": database_url,
        "SMS_PROVIDER": "twilio",
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": "stub",
        "TWILIO_FROM": "+15005550006",
        "TWILIO_API_BASE_URL": stub.base_url,
        "SMS_PER_PHONE_PER_HOUR": "1000",
    }


@pytest.mark.postgres
def test_four_workers_at_once_send_each_of_200_messages_exactly_once(database_url, twilio_stub):
    with unit_of_work(db.session):
        for i in range(200):
            service.enqueue(db.session, f"139{i:08d}", "test_message", {"text": f"message-{i}"})
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "notify", "send-pending", "--batch-size", "5"]
    workers = [
        subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=worker_env(database_url, twilio_stub),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [w.communicate(timeout=120)[0] for w in workers]
    assert all(w.returncode == 0 for w in workers), outputs
    sent_per_body = Counter(twilio_stub.sent_bodies)
    assert len(sent_per_body) == 200 and max(sent_per_body.values()) == 1
    db.session.expire_all()
    statuses = dict(db.session.execute(select(SmsMessage.status, func.count()).group_by(SmsMessage.status)).all())
    assert statuses == {MessageStatus.SENT: 200}
    assert sum("sent=" in o for o in outputs) >= 2, f"the work was not shared: {outputs}"


@pytest.mark.servers
def test_the_worker_sends_then_stops_cleanly_on_sigterm(database_url, twilio_stub):
    with unit_of_work(db.session):
        service.enqueue(db.session, "13800000001", "test_message", {"text": "worker"})
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "notify", "worker", "--interval", "0.2"]
    worker = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=worker_env(database_url, twilio_stub), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    deadline = time.monotonic() + 30
    while not twilio_stub.requests and time.monotonic() < deadline:
        time.sleep(0.1)
    worker.send_signal(signal.SIGTERM)
    output = worker.communicate(timeout=30)[0]
    assert worker.returncode == 0, output
    assert "stopped" in output and twilio_stub.sent_bodies[0].endswith("测试短信:worker")
