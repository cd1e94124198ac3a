"""The scheduler of api/schedules.py: periods, what is due, each run recorded (success or failure, no personal data)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click
import pytest

from api.common.db import SHANGHAI, utcnow
from api.extensions import db
from api.ops import cli as ops_cli
from api.ops import service
from api.ops.models import JobStatus
from api.schedules import SCHEDULES, Schedule

RAN: list[str] = []


@pytest.fixture
def fake_jobs(app, monkeypatch):
    """Two commands the test controls, listed as the only schedules: one succeeds, one fails with a phone in its error."""

    @click.command("ops-test-ok")
    def ok():
        RAN.append("ok")

    @click.command("ops-test-fail")
    def fail():
        RAN.append("fail")
        raise RuntimeError("无法联系 13812345678")

    RAN.clear()
    for command in (ok, fail):
        app.cli.add_command(command)
    jobs = (Schedule(("ops-test-ok",), "daily 01:00", "test"), Schedule(("ops-test-fail",), "every 5 minutes", "test"))
    monkeypatch.setattr(ops_cli, "SCHEDULES", jobs)
    yield jobs
    for name in ("ops-test-ok", "ops-test-fail"):
        app.cli.commands.pop(name, None)


def at_shanghai(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def test_a_daily_period_starts_next_at_its_shanghai_time_strictly_after_the_last_start():
    daily = service.Period.parse("daily 01:00")
    assert daily.next_after(at_shanghai(2026, 5, 2, 0, 59)) == at_shanghai(2026, 5, 2, 1, 0)
    assert daily.next_after(at_shanghai(2026, 5, 2, 1, 0)) == at_shanghai(2026, 5, 3, 1, 0)
    assert daily.next_after(datetime(2026, 5, 1, 16, 59, tzinfo=UTC)) == datetime(2026, 5, 1, 17, 0, tzinfo=UTC)


def test_an_interval_period_counts_from_the_last_start():
    assert service.Period.parse("every 15 minutes").next_after(at_shanghai(2026, 5, 2, 23, 50)) == at_shanghai(2026, 5, 3, 0, 5)


@pytest.mark.parametrize("bad", ["daily 24:00", "daily 1:00", "hourly", "every 0 minutes", "every -5 minutes", ""])
def test_a_period_the_scheduler_does_not_understand_is_refused(bad):
    with pytest.raises(ValueError):
        service.Period.parse(bad)


def test_every_listed_schedule_has_a_period_the_scheduler_understands_and_a_command_that_exists(app):
    names = [service.job_name(s) for s in SCHEDULES]
    assert len(names) == len(set(names)), "a command listed twice"
    ctx = click.Context(app.cli)
    for item in SCHEDULES:
        service.Period.parse(item.every)
        group = app.cli.get_command(ctx, item.command[0])
        assert group is not None, item.command
        command = group
        for word in item.command[1:]:
            command = command.get_command(ctx, word)
            assert command is not None, item.command
        assert not isinstance(command, click.Group), f"{item.command} names a group, not a command"


def test_a_job_never_run_is_due_at_once_and_then_not_until_its_next_time():
    job = Schedule(("greencoins", "expire"), "daily 01:00", "test")
    now = at_shanghai(2026, 5, 2, 14, 0)
    assert service.due_jobs(db.session, (job,), now) == [job]
    service.record_start(db.session, "greencoins expire", now)
    assert service.due_jobs(db.session, (job,), now + timedelta(hours=10)) == []
    assert service.due_jobs(db.session, (job,), at_shanghai(2026, 5, 3, 1, 0)) == [job]
    assert service.next_start(db.session, (job,), now) == at_shanghai(2026, 5, 3, 1, 0)


def test_running_a_listed_command_once_records_its_success(runner, fake_jobs):
    result = runner.invoke(args=["schedule", "once", "ops-test-ok"])
    assert result.exit_code == 0, result.output
    row = db.session.get(JobStatus, "ops-test-ok")
    assert RAN == ["ok"] and row.runs == 1 and row.failures == 0
    assert row.last_success_at and row.last_error is None and row.last_duration_ms >= 0


def test_a_failing_job_exits_non_zero_and_its_recorded_error_has_the_phone_masked(runner, fake_jobs):
    result = runner.invoke(args=["schedule", "once", "ops-test-fail"])
    assert result.exit_code == 1
    row = db.session.get(JobStatus, "ops-test-fail")
    assert row.failures == 1 and row.last_success_at is None and row.last_failure_at
    assert row.last_error == "RuntimeError: 无法联系 138****5678"


def test_a_command_that_is_not_listed_is_refused(runner, fake_jobs):
    result = runner.invoke(args=["schedule", "once", "seed", "demo"])
    assert result.exit_code == 2 and "not a scheduled command" in result.output
    assert db.session.get(JobStatus, "seed demo") is None


def test_the_scheduler_loop_runs_what_is_due_once_and_leaves_it_until_its_next_time(runner, fake_jobs):
    first = runner.invoke(args=["schedule", "run", "--max-passes", "1"])
    assert first.exit_code == 0, first.output
    assert sorted(RAN) == ["fail", "ok"]
    second = runner.invoke(args=["schedule", "run", "--max-passes", "1"])
    assert second.exit_code == 0 and sorted(RAN) == ["fail", "ok"], "nothing is due again within its period"
    statuses = service.statuses(db.session)
    assert statuses["ops-test-ok"].last_success_at and statuses["ops-test-fail"].failures == 1


def test_the_scheduler_list_shows_every_command_with_its_last_success(runner, fake_jobs):
    runner.invoke(args=["schedule", "once", "ops-test-ok"])
    output = runner.invoke(args=["schedule", "list"]).output
    assert "ops-test-ok" in output and "ops-test-fail" in output and "never" in output
    assert utcnow().date().isoformat()[:4] in output
