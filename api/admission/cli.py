"""``flask --app wsgi admission ...``: imports (schools, catchments, policies, seat plans, registries), allocation, offers."""

import getpass

import click
from flask import current_app
from flask.cli import with_appcontext

from api.admission.calendar import admission_year
from api.admission.imports import CSV_KINDS, RowRejected, import_catchments, import_csv
from api.admission.models import Level
from api.admission.offers import lapse_offers, remind_offers
from api.admission.runs import run_allocation
from api.auth.service import record_access
from api.common.db import unit_of_work
from api.errors import AppError
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
        count = (
            import_catchments(db.session(), text)
            if kind == "catchments"
            else import_csv(db.session(), kind, text, current_app.config["PII_HASH_KEY"])
        )
    except RowRejected as exc:
        raise click.ClickException(f"导入失败,未写入任何数据:{exc}") from exc
    with unit_of_work(db.session()):  # registries hold personal data, seat plans decide places: who loaded what is kept
        record_access(db.session(), actor=f"cli:{getpass.getuser()}", action=f"admission.import.{kind}", detail=f"rows={count}")
    click.echo(f"imported {kind}: {count}")


@admission.command("allocate")
@click.option("--year", type=int, default=None, help="admission year (default: the current admission year)")
@click.option("--level", type=click.Choice([level.value for level in Level]), required=True)
@click.option("--seed", required=True, help="the published random seed")
@click.option("--dry-run", is_flag=True, help="compute and store the run without giving any result")
@with_appcontext
def allocate_command(year: int | None, level: str, seed: str, dry_run: bool) -> None:
    """派位: allocate a year's and level's places by the published rules (A, then B, then C; lottery from the seed)."""
    year = year or admission_year(configured=current_app.config["ADMISSION_YEAR"])
    try:
        run = run_allocation(
            db.session(),
            year=year,
            level=Level(level),
            seed=seed,
            dry_run=dry_run,
            actor=f"cli:{getpass.getuser()}",
            waitlist_percent=current_app.config["ADMISSION_WAITLIST_PERCENT"],
            offer_days=current_app.config["ADMISSION_OFFER_DAYS"],
        )
    except AppError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"allocation run {run.id}: {year} {level} seed={seed!r}{' (dry run, no result given)' if dry_run else ''}")
    click.echo("学校 school | 计划 planned | 可派 free | 报名 A/B/C | 录取 offers | 分数线 cut-off | 候补 waitlist | 未获 not offered")
    for school in run.schools:
        cutoff = school["cutoff"]
        line = f"{cutoff['category'] or '-'}{'' if cutoff['points'] is None else ' ' + str(cutoff['points']) + '分'}"
        line += " 摇号" if cutoff["lottery"] else ""
        applicants = "/".join(str(school["applicants"][c]) for c in "ABC")
        click.echo(
            f"{school['school']} | {school['planned']} | {school['free']} | {applicants} | {school['offers']} | {line}"
            f" | {school['waitlist']} | {school['not_offered']}"
        )
    click.echo(" ".join(f"{k}={v}" for k, v in run.totals.items()))


@admission.command("lapse-offers")
@with_appcontext
def lapse_offers_command() -> None:
    """Offers past their deadline lapse; the next waitlisted children are offered the places, with an SMS."""
    count = lapse_offers(db.session(), offer_days=current_app.config["ADMISSION_OFFER_DAYS"])
    click.echo(f"lapsed offers: {count}")


@admission.command("remind-offers")
@with_appcontext
def remind_offers_command() -> None:
    """Remind guardians of offers whose deadline is tomorrow (once per offer)."""
    click.echo(f"reminded: {remind_offers(db.session())}")
