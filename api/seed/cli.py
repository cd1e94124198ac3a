"""``flask --app wsgi seed ...``: demo data (idempotent) for the product and its tests."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from api.extensions import db
from api.seed.demo import DEMO_PASSWORD, seed_demo


@click.group(help="加载演示数据 Load data.")
def seed() -> None:
    pass


@seed.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo data set (running it twice changes nothing)."""
    summary = seed_demo(db.session, current_app.config)
    for line in summary:
        click.echo(line)
    click.echo(f"演示账号 demo accounts: official / collector1 / station1, password {DEMO_PASSWORD}; "
               "partner key demo-bin-key")
