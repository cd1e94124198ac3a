"""``flask --app wsgi pickup ...``: text tomorrow's captains, recompute credit daily, import the vessel registry."""

import click
from flask import current_app
from flask.cli import with_appcontext

from api.extensions import db
from api.pickup.credit import recompute_all
from api.pickup.registry import RowRejected, import_registry
from api.pickup.service import remind_tomorrow


@click.group(help="海洋云仓 Pollutant pickup.")
def pickup() -> None:
    pass


@pickup.command("remind")
@with_appcontext
def remind_command() -> None:
    """Enqueue the day-before reminder for tomorrow's bookings (run daily; sent once per booking)."""
    click.echo(f"reminders enqueued: {remind_tomorrow(db.session())}")


@pickup.command("recompute-credit")
@with_appcontext
def recompute_credit_command() -> None:
    """Recompute every vessel's credit score and colour (run daily; idempotent; a colour change is texted once)."""
    done = recompute_all(db.session())
    click.echo(f"vessels: {done.vessels}, scores changed: {done.scores_changed}, colours changed: {done.colors_changed}")


@pickup.command("import-registry")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@with_appcontext
def import_registry_command(file) -> None:
    """Import the 渔船登记 registry CSV, all rows or none.

    Columns: vessel_no, owner_id_number, owner_name, owner_phone, vessel_name, registered_on.
    """
    try:
        count = import_registry(db.session(), file.read(), current_app.config["PII_HASH_KEY"])
    except RowRejected as exc:
        raise click.ClickException(f"导入失败,未写入任何数据:{exc}") from exc
    click.echo(f"imported vessel registry: {count}")
