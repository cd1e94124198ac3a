"""``flask --app wsgi seed ...``: demo data (idempotent) for the product and its tests."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from api.extensions import db
from api.seed.demo import DEMO_PASSWORD, seed_demo
from api.seed.synthetic import counts, seed_synthetic


@click.group(help="加载演示数据 Load data.")
def seed() -> None:
    pass


@seed.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo data set (running it twice changes nothing)."""
    summary = seed_demo(db.session(), current_app.config)
    for line in summary:
        click.echo(line)
    click.echo(f"演示账号 demo accounts: official / collector1 / station1, password {DEMO_PASSWORD}; partner key demo-bin-key")


@seed.command("synthetic")
@click.option(
    "--scale",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0.001, max=10),
    help="1 = 椒江 scale: 100,000 residents, 1,000,000 ledger rows, 100,000 pickups",
)
@with_appcontext
def synthetic_command(scale: float) -> None:
    """Add a district-sized synthetic data set (for benchmarks; not for the demo database)."""
    planned = counts(scale)
    total = (
        planned["residents"] * 2
        + planned["ledger"]
        + planned["pickups"] * 4
        + planned["addresses"]
        + planned["applications"]
        + planned["vessels"]
        + planned["schools"]
        + planned["messages"]
    )
    with click.progressbar(length=total, label="生成合成数据 synthetic data", show_pos=True) as bar:
        made = seed_synthetic(db.session(), scale, lambda _label, rows: bar.update(rows))
    click.echo(" ".join(f"{k}={v}" for k, v in made.items()))
