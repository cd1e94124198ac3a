"""``flask --app wsgi schedule list | once CMD... | run | export-systemd DIR``: the runner of api/schedules.py."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from pathlib import Path

import click
from flask import current_app
from flask.cli import ScriptInfo, with_appcontext
from sqlalchemy.exc import OperationalError

from api.common.db import utcnow
from api.extensions import db
from api.ops import service
from api.ops.logs import redact
from api.schedules import SCHEDULES, Schedule

logger = logging.getLogger(__name__)

UNIT_PREFIX = "zheli-job-"
GENERATED = "# Generated from api/schedules.py by `flask --app wsgi schedule export-systemd deploy/systemd`: do not edit by hand."
SYSTEMD_DEFAULTS = {"workdir": "/opt/zheli", "user": "zheli", "env_file": "/etc/zheli/env"}


def run_job(schedule: Schedule) -> bool:
    """Run one scheduled command in this process and record its outcome (also when started by systemd)."""
    # Flask types the current_app proxy as Flask itself, so the proxy's own method is unknown to it.
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    name = service.job_name(schedule)
    started = utcnow()
    service.record_start(db.session(), name, started)
    error = None
    try:
        code = app.cli.main(args=list(schedule.command), prog_name="flask", standalone_mode=False, obj=ScriptInfo(create_app=lambda: app))
        if isinstance(code, int) and code != 0:
            error = f"exit code {code}"
    except SystemExit as exc:
        if exc.code not in (None, 0):
            error = f"exit code {exc.code}"
    except Exception as exc:  # any failure of a job is recorded, then reported by the caller
        logger.exception("scheduled job %s failed", name)
        error = redact(f"{type(exc).__name__}: {exc}")
    finally:
        db.session.remove()  # the job's session state never leaks into the record or the next job
    service.record_finish(db.session(), name, started=started, finished=utcnow(), error=error)
    level = logging.INFO if error is None else logging.ERROR
    logger.log(level, "scheduled job %s %s", name, "succeeded" if error is None else f"failed: {error}", extra={"job": name})
    return error is None


@click.group(help="定时任务 Scheduled commands (api/schedules.py).")
def schedule() -> None:
    pass


@schedule.command("list")
@with_appcontext
def list_command() -> None:
    """Every scheduled command, its period, last success and next start."""
    known = service.statuses(db.session())
    now = utcnow()
    for item in SCHEDULES:
        row = known.get(service.job_name(item))
        last = row.last_started_at if row else None
        upcoming = now if last is None else service.Period.parse(item.every).next_after(last)
        success = row.last_success_at.isoformat(timespec="seconds") if row and row.last_success_at else "never"
        click.echo(f"{service.job_name(item):28} {item.every:18} last success {success:25} next {upcoming.isoformat(timespec='seconds')}")


@schedule.command("once", context_settings={"ignore_unknown_options": True})
@click.argument("command", nargs=-1, required=True)
@with_appcontext
def once_command(command: tuple[str, ...]) -> None:
    """Run one listed command now and record it, e.g. ``schedule once greencoins expire`` (what systemd starts)."""
    item = service.find_schedule(SCHEDULES, command)
    if item is None:
        raise click.UsageError(f"{' '.join(command)!r} 不在 api/schedules.py 中 (not a scheduled command)")
    if not run_job(item):
        raise SystemExit(1)


@schedule.command("run")
@click.option("--tick", default=30.0, show_default=True, help="longest sleep between checks, in seconds")
@click.option("--max-passes", default=0, hidden=True, help="stop after this many passes (tests)")
@with_appcontext
def run_command(tick: float, max_passes: int) -> None:
    """Run every scheduled command when it is due, until SIGTERM or SIGINT (the demo's scheduler; production uses
    the systemd timers in deploy/). A job never run, or missed while nothing was running, runs at once.
    One scheduler at a time: it takes no lock, as systemd timers need none."""
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    worker_id = f"{socket.gethostname()}:{os.getpid()}"
    click.echo(f"scheduler {worker_id} started: {len(SCHEDULES)} commands")
    passes = 0
    while not stop.is_set():
        try:
            for item in service.due_jobs(db.session(), SCHEDULES, utcnow()):
                if stop.is_set():
                    break
                run_job(item)
            service.beat(db.session(), worker_id, "scheduler", utcnow())
            upcoming = service.next_start(db.session(), SCHEDULES, utcnow())
        except OperationalError:
            logger.exception("database unavailable; retrying in %.0f s", tick)
            upcoming = None
        db.session.remove()
        passes += 1
        if max_passes and passes >= max_passes:
            break
        wait = tick if upcoming is None else min(tick, max((upcoming - utcnow()).total_seconds(), 0.5))
        stop.wait(wait)
    click.echo(f"scheduler {worker_id} stopped")


def systemd_units(schedules: tuple[Schedule, ...], *, workdir: str, user: str, env_file: str) -> dict[str, str]:
    """A ``.service`` (one run through ``schedule once``) and a ``.timer`` for each scheduled command."""
    units = {}
    for item in schedules:
        name = service.job_name(item)
        stem = UNIT_PREFIX + "-".join(item.command)
        units[f"{stem}.service"] = "\n".join(
            [
                GENERATED,
                "[Unit]",
                f"Description=浙里民生 {name}: {item.why}",
                "After=network-online.target postgresql.service",
                "",
                "[Service]",
                "Type=oneshot",
                f"User={user}",
                f"WorkingDirectory={workdir}",
                f"EnvironmentFile={env_file}",
                f"ExecStart={workdir}/.venv/bin/flask --app wsgi schedule once {name}",
                "",
            ]
        )
        units[f"{stem}.timer"] = "\n".join(
            [
                GENERATED,
                "[Unit]",
                f"Description=浙里民生 {name} ({item.every})",
                "",
                "[Timer]",
                *service.Period.parse(item.every).systemd_timer(),
                f"Unit={stem}.service",
                "",
                "[Install]",
                "WantedBy=timers.target",
                "",
            ]
        )
    return units


@schedule.command("export-systemd")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--workdir", default=SYSTEMD_DEFAULTS["workdir"], show_default=True)
@click.option("--user", default=SYSTEMD_DEFAULTS["user"], show_default=True)
@click.option("--env-file", default=SYSTEMD_DEFAULTS["env_file"], show_default=True)
def export_systemd_command(directory: Path, workdir: str, user: str, env_file: str) -> None:
    """Write the systemd units of every scheduled command into DIRECTORY (units of commands no longer listed are removed)."""
    directory.mkdir(parents=True, exist_ok=True)
    units = systemd_units(SCHEDULES, workdir=workdir, user=user, env_file=env_file)
    for stale in directory.glob(f"{UNIT_PREFIX}*"):
        if stale.name not in units:
            stale.unlink()
    for filename, text in units.items():
        (directory / filename).write_text(text, encoding="utf-8")
    click.echo(f"{len(units)} units in {directory}")
