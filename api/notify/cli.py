"""``flask --app wsgi notify worker | send-pending | sweep``."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import OperationalError

from api.common.db import utcnow
from api.extensions import db
from api.notify import service
from api.notify.providers import provider_from_config
from api.ops import service as ops

logger = logging.getLogger(__name__)


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@click.group(help="短信通知 SMS notifications.")
def notify() -> None:
    pass


@notify.command("send-pending")
@click.option("--batch-size", default=50, show_default=True)
@with_appcontext
def send_pending_command(batch_size: int) -> None:
    """Send every message that is due, once, then exit."""
    counts = service.send_pending(
        db.session(),
        provider_from_config(current_app.config),
        service.SendPolicy.from_config(current_app.config),
        worker_id=_worker_id(),
        batch_size=batch_size,
    )
    click.echo(" ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "nothing due")


@notify.command("worker")
@click.option("--interval", default=2.0, show_default=True, help="seconds between passes when idle")
@click.option("--batch-size", default=50, show_default=True)
@with_appcontext
def worker_command(interval: float, batch_size: int) -> None:
    """Send messages until SIGTERM or SIGINT; the message in hand is finished first."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    provider = provider_from_config(current_app.config)
    policy = service.SendPolicy.from_config(current_app.config)
    worker_id = _worker_id()
    click.echo(f"notify worker {worker_id} started with provider {provider.name}")
    while not stop.is_set():
        try:
            counts = service.send_pending(db.session(), provider, policy, worker_id=worker_id, batch_size=batch_size)
        except OperationalError:
            logger.exception("database unavailable; retrying in %.0f s", interval)
            counts = {}
        if counts:
            click.echo(" ".join(f"{k}={v}" for k, v in sorted(counts.items())))
        try:
            ops.beat(db.session(), worker_id, "notify", utcnow())  # readiness and /metrics: a worker is working the outbox
        except OperationalError:
            logger.warning("heartbeat not recorded: database unavailable")
        db.session.remove()
        stop.wait(interval)
    click.echo(f"notify worker {worker_id} stopped")
