"""``flask --app wsgi staff deactivate USERNAME | activate USERNAME``: an account's access ends on its next request."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from api.auth.service import set_staff_active
from api.errors import NotFound
from api.extensions import db


@click.group(help="工作人员账号 Staff accounts.")
def staff() -> None:
    pass


@staff.command("deactivate", help="停用账号:其所有登录凭证立即失效 (every token stops working at once).")
@click.argument("username")
@with_appcontext
def deactivate(username: str) -> None:
    try:
        set_staff_active(db.session(), username, False)
    except NotFound as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"已停用 {username} (deactivated; existing tokens refused from the next request)")


@staff.command("activate", help="重新启用账号 (reactivate; the person signs in again).")
@click.argument("username")
@with_appcontext
def activate(username: str) -> None:
    try:
        set_staff_active(db.session(), username, True)
    except NotFound as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"已启用 {username} (activated)")
