"""``flask --app wsgi pickup remind``: text tomorrow's captains."""

import click
from flask.cli import with_appcontext

from api.extensions import db
from api.pickup.service import remind_tomorrow


@click.group(help="海洋云仓 Pollutant pickup.")
def pickup() -> None:
    pass


@pickup.command("remind")
@with_appcontext
def remind_command() -> None:
    """Enqueue the day-before reminder for tomorrow's bookings (run daily; sent once per booking)."""
    click.echo(f"reminders enqueued: {remind_tomorrow(db.session)}")
