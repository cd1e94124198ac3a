"""``flask --app wsgi cockpit rollup`` and ``flask --app wsgi alerts scan|duty`` (scheduled: ``api/schedules.py``)."""

from datetime import date

import click
from flask.cli import with_appcontext

from api.alerts import facts, service
from api.extensions import db


@click.group(help="数字驾驶舱 The cockpit's read model.")
def cockpit() -> None:
    pass


@cockpit.command("rollup")
@click.option("--rebuild-from", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="rebuild every day from this date")
@with_appcontext
def rollup_command(rebuild_from) -> None:
    """Bring the daily roll-ups up to yesterday (the days since the last run and 3 before); idempotent."""
    days = None
    if rebuild_from is not None:
        first, last = rebuild_from.date(), facts.local_now().date()
        days = [date.fromordinal(d) for d in range(first.toordinal(), last.toordinal())]
    result = facts.rollup(db.session(), days=days)
    click.echo(f"rolled up {result['days']} days ({result['rows']} rows) through {result['rolled_through']}")


@click.group(help="趋势预警 Trend alerts.")
def alerts() -> None:
    pass


@alerts.command("scan")
@click.option("--day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="the day to judge (default: yesterday)")
@with_appcontext
def scan_command(day) -> None:
    """Judge yesterday's daily series against their own history; open new alerts and text the duty officials."""
    opened = service.scan(db.session(), day=day.date() if day else None)
    click.echo(f"alerts opened: {len(opened)}")
    for alert in opened:
        click.echo(f"  [{alert.bureau}] {alert.title}")


@alerts.command("duty")
@click.argument("bureau", type=click.Choice(["admission", "greencoins", "pickup"]))
@click.argument("phone")
@click.option("--name", default="值班员", help="the duty official's name")
@with_appcontext
def duty_command(bureau, phone, name) -> None:
    """Set the phone texted when one of BUREAU's alerts opens."""
    service.set_duty(db.session(), bureau, name, phone)
    click.echo(f"duty official of {bureau} set")
