"""deploy/systemd holds the production form of api/schedules.py: generated from it, and checked against it here."""

from __future__ import annotations

from pathlib import Path

from api.ops import cli as ops_cli
from api.ops import service
from api.schedules import SCHEDULES, Schedule

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "systemd"
FIX = "run `flask --app wsgi schedule export-systemd deploy/systemd` and commit deploy/"


def job_units(directory: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(directory.glob(f"{ops_cli.UNIT_PREFIX}*"))}


def test_deploy_has_exactly_the_systemd_units_api_schedules_py_generates(runner, tmp_path):
    result = runner.invoke(args=["schedule", "export-systemd", str(tmp_path)])
    assert result.exit_code == 0, result.output
    expected, committed = job_units(tmp_path), job_units(DEPLOY)
    assert sorted(committed) == sorted(expected), f"deploy/systemd and api/schedules.py list different commands: {FIX}"
    for name, text in expected.items():
        assert committed[name] == text, f"{name} differs from what api/schedules.py generates: {FIX}"


def test_each_timer_starts_its_command_through_the_recording_runner_at_the_listed_period():
    units = job_units(DEPLOY)
    for item in SCHEDULES:
        stem = ops_cli.UNIT_PREFIX + "-".join(item.command)
        assert f"ExecStart=/opt/zheli/.venv/bin/flask --app wsgi schedule once {service.job_name(item)}" in units[f"{stem}.service"]
        for line in service.Period.parse(item.every).systemd_timer():
            assert line in units[f"{stem}.timer"]


def test_an_entry_added_to_the_list_makes_the_comparison_fail_until_deploy_is_regenerated():
    longer = (*SCHEDULES, Schedule(("ops-test", "new-job"), "every 5 minutes", "test"))
    now, later = ops_cli.systemd_units(SCHEDULES, **ops_cli.SYSTEMD_DEFAULTS), ops_cli.systemd_units(longer, **ops_cli.SYSTEMD_DEFAULTS)
    assert set(later) - set(now) == {"zheli-job-ops-test-new-job.service", "zheli-job-ops-test-new-job.timer"}
    assert "OnUnitActiveSec=5min" in later["zheli-job-ops-test-new-job.timer"]


def test_exporting_removes_the_units_of_a_command_no_longer_listed(runner, tmp_path):
    (tmp_path / "zheli-job-retired-command.timer").write_text("old", encoding="utf-8")
    (tmp_path / "zheli-api.service").write_text("kept", encoding="utf-8")
    runner.invoke(args=["schedule", "export-systemd", str(tmp_path)])
    assert not (tmp_path / "zheli-job-retired-command.timer").exists()
    assert (tmp_path / "zheli-api.service").read_text(encoding="utf-8") == "kept"
