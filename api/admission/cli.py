"""``flask --app wsgi admission import KIND FILE``: officials load schools, catchments, policies, registries."""

import click
from flask import current_app
from flask.cli import with_appcontext

from api.admission.imports import CSV_KINDS, RowRejected, import_catchments, import_csv
from api.extensions import db


@click.group(help="入学一掌通 School admission.")
def admission() -> None:
    pass


@admission.command("import")
@click.argument("kind", type=click.Choice([*CSV_KINDS, "catchments"]))
@click.argument("file", type=click.File("r", encoding="utf-8"))
@with_appcontext
def import_command(kind: str, file) -> None:
    """Import a CSV (or, for catchments, a GeoJSON FeatureCollection); all rows or none."""
    try:
        text = file.read()
        count = import_catchments(db.session, text) if kind == "catchments" else \
            import_csv(db.session, kind, text, current_app.config["PII_HASH_KEY"])
    except RowRejected as exc:
        raise click.ClickException(f"导入失败,未写入任何数据:{exc}") from exc
    click.echo(f"imported {kind}: {count}")
