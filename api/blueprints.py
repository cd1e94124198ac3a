"""The one place that registers every blueprint and CLI group."""

from __future__ import annotations

from flask import Flask

import miniapp_mock
from api import meta, models  # noqa: F401 - models: every table registered
from api.admission import cli as admission_cli
from api.admission import routes as admission_routes
from api.auth import mock_zlb
from api.auth import routes as auth_routes
from api.extensions import api
from api.greencoins import cli as greencoins_cli
from api.greencoins import routes as greencoins_routes
from api.notify import cli as notify_cli
from api.notify import routes as notify_routes
from api.pickup import cli as pickup_cli
from api.pickup import routes as pickup_routes
from api.seed import cli as seed_cli

API_BLUEPRINTS = [meta.blp, auth_routes.blp, notify_routes.blp, greencoins_routes.blp, pickup_routes.blp, admission_routes.blp]


def register_blueprints(app: Flask) -> None:
    for blueprint in API_BLUEPRINTS:
        api.register_blueprint(blueprint)
    if app.config["ZLB_MOCK"]:
        api.register_blueprint(mock_zlb.blp)
        miniapp_mock.register(app)
    meta.register_docs_assets(app)
    if app.config.get("BENCH_BARE_ENDPOINT"):
        meta.register_bench_endpoint(app)


def register_cli(app: Flask) -> None:
    for group in (seed_cli.seed, notify_cli.notify, greencoins_cli.greencoins, pickup_cli.pickup, admission_cli.admission):
        app.cli.add_command(group)
