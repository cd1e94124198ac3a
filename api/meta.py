"""Health check and the locally served assets of the API docs."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, send_from_directory
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text
from sqlalchemy.exc import SQLAlchemyError
from swagger_ui_bundle import swagger_ui_path

from api import labels
from api.common.db import UTCDateTime, unit_of_work, utcnow
from api.errors import AppError
from api.extensions import db
from api.ops import service as ops

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
        except Exception as exc:
            db.session.rollback()
            raise DatabaseUnavailable(details={"database": "unavailable"}) from exc
        return {"status": "ok", "database": "ok"}


class LiveOut(Schema):
    status = fields.String()


class ReadyOut(Schema):
    status = fields.String()
    database = fields.String()
    outbox = fields.String(metadata={"description": "ok, or stalled: messages overdue and no SMS worker heartbeat"})
    outbox_pending = fields.Integer()
    outbox_overdue_seconds = fields.Float()


class NotReady(AppError):
    status, code, message = 503, "not_ready", "服务暂不可用 (not ready)"


@blp.route("/health/live")
class Live(MethodView):
    @blp.response(200, LiveOut)
    def get(self):
        """Liveness: the process answers (touches nothing else; restart it if this fails)"""
        return {"status": "ok"}


@blp.route("/health/ready")
class Ready(MethodView):
    @blp.response(200, ReadyOut)
    @blp.alt_response(503, description="The database does not answer, or the SMS outbox is stalled (error shape, details say which)")
    def get(self):
        """Readiness: the database answers and the SMS outbox is being worked"""
        max_overdue = timedelta(minutes=current_app.config.get("READY_OUTBOX_MAX_OVERDUE_MINUTES", 10))
        try:
            health = ops.outbox_health(db.session, utcnow(), max_overdue=max_overdue)
            db.session.rollback()
        except Exception as exc:
            db.session.rollback()
            raise NotReady("数据库暂不可用 (database unavailable)", details={"database": "unavailable"}) from exc
        answer = {
            "status": "ok",
            "database": "ok",
            "outbox": "ok" if health.healthy else "stalled",
            "outbox_pending": health.pending,
            "outbox_overdue_seconds": round(health.overdue_seconds, 1),
        }
        if not health.healthy:
            raise NotReady("短信发送队列停滞 (SMS outbox stalled: no worker)", details={k: v for k, v in answer.items() if k != "status"})
        return answer


@blp.route("/meta/labels")
class Labels(MethodView):
    @blp.response(200)
    def get(self):
        """The Chinese labels of every status, colour and result, with their meaning and colour (one source for every client)"""
        return labels.as_document()


def register_docs_assets(app: Flask) -> None:
    """Swagger UI's JS and CSS from the swagger-ui-bundle package, so /api/v1/docs works offline."""

    def docs_asset(filename: str):
        return send_from_directory(swagger_ui_path, filename, max_age=3600)

    app.add_url_rule("/api/v1/docs/assets/<path:filename>", "docs_asset", docs_asset)


# The load benchmark's own table, outside the product's models and migrations: made on first use, only when the
# opt-in bench switch is on, in the database the benchmark points the server at.
_bench_metadata = MetaData()
bench_rows = Table(
    "bench_rows",
    _bench_metadata,
    Column("id", Integer, primary_key=True),
    Column("note", String(40), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)
_bench_table_ready = False


def _bench_table() -> Table:
    global _bench_table_ready
    if not _bench_table_ready:
        try:
            _bench_metadata.create_all(db.engine)
        except SQLAlchemyError:  # another worker created it at the same moment
            _bench_metadata.create_all(db.engine)
        _bench_table_ready = True
    return bench_rows


def _bench_read():
    """One trivial database read: a primary-key lookup, through the same session as every endpoint."""
    table = _bench_table()
    row = db.session.execute(select(table.c.id, table.c.note).where(table.c.id == 1)).first()
    return {"id": row.id if row else None, "note": row.note if row else None}


def _bench_write():
    """One durable single-row write: an insert committed in its own transaction (waits for the WAL flush)."""
    table = _bench_table()
    with unit_of_work(db.session):
        new_id = db.session.scalar(insert(table).values(note="bench", at=utcnow()).returning(table.c.id))
    return {"id": new_id}, 201


def register_bench_endpoint(app: Flask) -> None:
    """The ceilings load benchmarks compare against, in the same server (opt-in, never in production): a constant
    JSON answer, one trivial database read, one durable single-row write."""
    app.add_url_rule("/api/v1/_bench/constant", "bench_constant", lambda: {"ok": True})
    app.add_url_rule("/api/v1/_bench/read", "bench_read", _bench_read)
    app.add_url_rule("/api/v1/_bench/write", "bench_write", _bench_write, methods=["POST"])
