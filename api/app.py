"""The application factory: configuration, extensions, blueprints, error handlers."""

from __future__ import annotations

from typing import cast

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from api.blueprints import register_blueprints, register_cli
from api.common.http import init_hardening
from api.common.schemas import MAX_ID
from api.extensions import api, db, limiter, migrate
from api.http_errors import register_error_handlers
from api.ops.web import init_operations
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
    json_provider = cast(DefaultJSONProvider, app.json)  # Flask's own provider: nothing here replaces it
    json_provider.ensure_ascii = False
    json_provider.sort_keys = False
    init_operations(app)  # JSON logs without personal data, X-Request-Id, /metrics: first, so they see every request

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
    init_hardening(app)  # body limit, hostile-input checks, security headers
    return app
