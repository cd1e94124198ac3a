"""浙里民生 API: the application factory."""

from __future__ import annotations

import logging

from flask import Flask
from werkzeug.routing import IntegerConverter

from api.blueprints import register_blueprints, register_cli
from api.common.schemas import MAX_ID
from api.errors import register_error_handlers
from api.extensions import api, db, limiter, migrate
from config import PROJECT_ROOT, load_config


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` within the database's integer range: a larger id matches no route (404), never a crash."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def create_app(config_name: str | None = None, **overrides) -> Flask:
    """Build the app for ``config_name`` (default ``APP_ENV``); ``overrides`` win over the environment."""
    config = load_config(config_name)
    app = Flask(__name__, instance_path=str(PROJECT_ROOT / "instance"))
    app.config.from_object(config)
    app.config.update(overrides)
    app.config.setdefault("MAX_CONTENT_LENGTH", 1024 * 1024)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    app.url_map.converters["int"] = BoundedIntConverter
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    limiter.init_app(app)
    api.init_app(app)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    api.spec.components.security_scheme("apiKey", {"type": "apiKey", "in": "header", "name": "X-Api-Key"})

    register_blueprints(app)
    register_cli(app)
    register_error_handlers(app, db)
    return app
