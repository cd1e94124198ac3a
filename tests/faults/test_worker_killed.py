"""A notify worker killed mid-batch: a restarted worker sends the rest, and nothing goes out twice."""

from __future__ import annotations

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
from tests.notify.test_workers_concurrently import worker_env

pytestmark = pytest.mark.servers


def test_a_worker_killed_mid_batch_leaves_nothing_unsent_and_nothing_sent_twice(database_url, twilio_stub):
    with unit_of_work(db.session):
        for i in range(60):
            service.enqueue(db.session, f"139{i:08d}", "test_message", {"text": f"message-{i}"})
    twilio_stub.delay = 0.05
    env = worker_env(database_url, twilio_stub) | {"SMS_SENDING_TIMEOUT_SECONDS": "1"}
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "notify", "worker", "--batch-size", "20"]
    victim = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(twilio_stub.requests) < 10 and time.monotonic() < deadline:
        time.sleep(0.02)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)
    sent_before_kill = len(twilio_stub.requests)
    assert 10 <= sent_before_kill < 60, "the kill must land mid-run"

    time.sleep(1.5)  # past SMS_SENDING_TIMEOUT_SECONDS: the dead worker's claims may be swept
    twilio_stub.delay = 0
    restarted = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "notify", "send-pending"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert restarted.returncode == 0, restarted.stdout + restarted.stderr

    per_body = Counter(twilio_stub.sent_bodies)
    assert max(per_body.values()) == 1, "a message went out twice"
    db.session.expire_all()
    statuses = dict(db.session.execute(select(SmsMessage.status, func.count()).group_by(SmsMessage.status)).all())
    # At most the one message in flight at the kill is unknown (failed, never resent); every other one is sent.
    assert statuses.get(MessageStatus.FAILED, 0) <= 1
    assert statuses.get(MessageStatus.SENT, 0) + statuses.get(MessageStatus.FAILED, 0) == 60
    assert len(per_body) == statuses[MessageStatus.SENT] or len(per_body) == statuses[MessageStatus.SENT] + 1
