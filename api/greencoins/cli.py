"""``flask --app wsgi greencoins expire``: refund reservations nobody picked up."""

import click
from flask.cli import with_appcontext

from api.extensions import db
from api.greencoins.redemption import expire_unclaimed


@click.group(help="双碳绿币 Green coins.")
def greencoins() -> None:
    pass


@greencoins.command("expire")
@with_appcontext
def expire_command() -> None:
    """Expire reservations past their pickup date and refund their coins and stock (run daily)."""
    click.echo(f"expired and refunded: {expire_unclaimed(db.session)}")
