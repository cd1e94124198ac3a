"""Health check and the locally served assets of the API docs."""

from __future__ import annotations

from flask import Flask, send_from_directory
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import text
from swagger_ui_bundle import swagger_ui_path

from api.errors import AppError
from api.extensions import db

blp = Blueprint("meta", __name__, url_prefix="/api/v1", description="服务状态 Service status")


class HealthOut(Schema):
    status = fields.String()
    database = fields.String()


class DatabaseUnavailable(AppError):
    status, code, message = 503, "database_unavailable", "数据库暂不可用 (database unavailable)"


@blp.route("/health")
class Health(MethodView):
    @blp.response(200, HealthOut)
    def get(self):
        """Is the API up and does the database answer"""
        try:
            db.session.execute(text("SELECT 1"))
            db.session.rollback()
        except Exception as exc:  # noqa: BLE001 - any failure to answer means unavailable
            db.session.rollback()
            raise DatabaseUnavailable(details={"database": "unavailable"}) from exc
        return {"status": "ok", "database": "ok"}


def register_docs_assets(app: Flask) -> None:
    """Swagger UI's JS and CSS from the swagger-ui-bundle package, so /api/v1/docs works offline."""

    def docs_asset(filename: str):
        return send_from_directory(swagger_ui_path, filename, max_age=3600)

    app.add_url_rule("/api/v1/docs/assets/<path:filename>", "docs_asset", docs_asset)


def register_bench_endpoint(app: Flask) -> None:
    """A constant JSON answer in the same server, the ceiling load benchmarks compare against (opt-in)."""
    app.add_url_rule("/api/v1/_bench/constant", "bench_constant", lambda: {"ok": True})
