"""The one place that registers every blueprint and CLI group."""

from __future__ import annotations

from flask import Flask

import miniapp_mock
from api import meta, models  # noqa: F401 - models: every table registered
from api.admission import cli as admission_cli
from api.admission import routes as admission_routes
from api.alerts import cli as alerts_cli
from api.alerts import routes as alerts_routes
from api.auth import cli as auth_cli
from api.auth import mock_zlb
from api.auth import routes as auth_routes
from api.extensions import api
from api.greencoins import cli as greencoins_cli
from api.greencoins import routes as greencoins_routes
from api.me import routes as me_routes
from api.notify import cli as notify_cli
from api.notify import routes as notify_routes
from api.ops import cli as ops_cli
from api.ops.contract import complete_contract, install_field_rules
from api.pickup import cli as pickup_cli
from api.pickup import routes as pickup_routes
from api.seed import cli as seed_cli
from api.seed import residents as seed_residents

API_BLUEPRINTS = [
    meta.blp,
    auth_routes.blp,
    notify_routes.blp,
    greencoins_routes.blp,
    pickup_routes.blp,
    pickup_routes.partners_blp,
    admission_routes.blp,
    me_routes.blp,
    alerts_routes.blp,
]


def register_blueprints(app: Flask) -> None:
    install_field_rules(api)  # our fields' rules (patterns, formats) into the OpenAPI document
    for blueprint in API_BLUEPRINTS:
        api.register_blueprint(blueprint)
    if app.config["ZLB_MOCK"]:
        mock_zlb.register(app, api, residents=lambda: seed_residents.DEMO_RESIDENTS)
        miniapp_mock.register(app)
    complete_contract(app, api.spec)  # roles, every 4xx answer, dependent parameters, links
    meta.register_docs_assets(app)
    if app.config.get("BENCH_BARE_ENDPOINT"):
        meta.register_bench_endpoint(app)


def register_cli(app: Flask) -> None:
    app.cli.add_command(auth_cli.staff)
    app.cli.add_command(alerts_cli.cockpit)
    app.cli.add_command(alerts_cli.alerts)
    groups = (seed_cli.seed, notify_cli.notify, greencoins_cli.greencoins, pickup_cli.pickup, admission_cli.admission, ops_cli.schedule)
    for group in groups:
        app.cli.add_command(group)
