"""Rendering every failure in the one error shape of SPEC §2: Flask error handlers and flask-smorest's ``Api``."""

from __future__ import annotations

import logging
from typing import Any

import flask_smorest
from flask import Flask, jsonify
from marshmallow import Schema, fields
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from werkzeug.datastructures import Headers
from werkzeug.exceptions import HTTPException, InternalServerError

from api.errors import HTTP_ERRORS, AppError, chinese_first, error_body

logger = logging.getLogger(__name__)


def error_response(status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None):
    response = jsonify(error_body(status, code, message, details))
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _flatten_locations(messages: dict[str, Any]) -> dict[str, Any]:
    """webargs keys errors by location ({"json": {...}, "query": {...}}); clients want field → messages."""
    flat: dict[str, Any] = {}
    for location, errors in messages.items():
        if isinstance(errors, dict):
            flat.update(errors)
        else:
            flat[location] = errors
    return flat


def http_error_response(error: HTTPException):
    code = error.code or 500
    err, zh = HTTP_ERRORS.get(code, ("http_error", error.name))
    message = f"{zh} ({(error.description or error.name)})" if code != 500 else f"{zh} (internal error)"
    details = None
    data = getattr(error, "data", None) or {}
    if code == 400 and "messages" in data:
        message = "请求体不是有效的 JSON (malformed JSON body)"
    elif code == 422 and "messages" in data:
        message = "提交的数据有误 (validation failed)"
        details = chinese_first(_flatten_locations(data["messages"]))
    elif code == 429:
        message = f"{zh} (rate limit exceeded: {error.description})"
    response = error_response(code, err, message, details)
    original_headers: Headers | dict[str, str] = error.get_response().headers if code in (405, 429) else {}
    for name in ("Allow", "Retry-After"):
        if name in original_headers:
            response.headers[name] = original_headers[name]
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    return response


class ErrorSchema(Schema):
    """The one error shape of SPEC §2, as documented in the OpenAPI document."""

    status = fields.Integer(required=True, metadata={"description": "HTTP status"})
    error = fields.String(required=True, metadata={"description": "snake_case code, e.g. slot_full"})
    message = fields.String(required=True, metadata={"description": "readable message, Chinese first"})
    details = fields.Dict(metadata={"description": "optional, e.g. field → messages"})


class Api(flask_smorest.Api):
    """flask-smorest's Api whose HTTP error handler speaks the SPEC shape (and keeps ``Allow``)."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException):
        return http_error_response(error)


def register_error_handlers(app: Flask, db) -> None:
    """One place renders every error: domain refusals, HTTP errors, database outages, crashes."""

    @app.errorhandler(AppError)
    def _app_error(error: AppError):
        return error_response(error.status, error.code, error.message, error.details, error.headers)

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def _out_of_range(error: Exception):
        # A value the database cannot hold slipped past validation: the client's input, not our crash.
        logger.warning("value out of range: %s", type(error).__name__)
        _rollback_quietly(db)
        return error_response(422, "validation_error", "提交的数值超出范围 (value out of range)")

    @app.errorhandler(OperationalError)
    def _database_down(error: DBAPIError):
        logger.error("database unavailable: %s", type(error.orig).__name__)
        _rollback_quietly(db)
        return error_response(503, "database_unavailable", "数据库暂不可用,请稍后再试 (database unavailable)")

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_error_response(error)
        logger.exception("unhandled exception")
        _rollback_quietly(db)
        return http_error_response(InternalServerError())


def _rollback_quietly(db) -> None:
    try:
        db.session.rollback()
    except Exception:
        logger.warning("rollback after error failed", exc_info=True)
