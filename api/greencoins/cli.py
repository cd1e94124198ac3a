"""``flask --app wsgi greencoins ...``: the daily commands of 双碳绿币 (listed in ``api/schedules.py``)."""

import click
from flask.cli import with_appcontext

from api.extensions import db
from api.greencoins.expiry import expire_coins, remind
from api.greencoins.redemption import refund_unclaimed


@click.group(help="双碳绿币 Green coins.")
def greencoins() -> None:
    pass


@greencoins.command("expire")
@with_appcontext
def expire_command() -> None:
    """Write off coins past the end of the twelfth month after they were earned, oldest first (daily; idempotent)."""
    citizens, coins = expire_coins(db.session())
    click.echo(f"coins expired: {coins} from {citizens} citizens")


@greencoins.command("refund-unclaimed")
@with_appcontext
def refund_command() -> None:
    """Refund reservations not picked up within 7 days: coins and stock come back (daily; idempotent)."""
    click.echo(f"unclaimed reservations refunded: {refund_unclaimed(db.session())}")


@greencoins.command("remind-expiry")
@with_appcontext
def remind_command() -> None:
    """Text citizens whose coins expire at the end of this month (once per citizen and month; daily)."""
    click.echo(f"expiry reminders queued: {remind(db.session())}")
