"""The one error shape of SPEC §2, and the domain exceptions the services raise."""

from __future__ import annotations

import logging
from typing import Any

import flask_smorest
from flask import Flask, jsonify
from marshmallow import Schema, fields
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

logger = logging.getLogger(__name__)


class AppError(Exception):
    """A refusal the user should read: carries its HTTP status, code and Chinese-first message."""

    status = 400
    code = "bad_request"
    message = "请求有误 (bad request)"

    def __init__(self, message: str | None = None, details: dict[str, Any] | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.details = details


class BadRequest(AppError):
    pass


class Unauthorized(AppError):
    status, code, message = 401, "unauthorized", "请先登录 (authentication required)"


class Forbidden(AppError):
    status, code, message = 403, "forbidden", "没有权限 (forbidden)"


class NotFound(AppError):
    status, code, message = 404, "not_found", "未找到 (not found)"


class Conflict(AppError):
    status, code, message = 409, "conflict", "与当前状态冲突 (conflict)"


class ValidationFailed(AppError):
    status, code, message = 422, "validation_error", "提交的数据有误 (validation failed)"

    @classmethod
    def on(cls, field: str, message: str) -> ValidationFailed:
        return cls(message, details={field: [message]})


# Chinese first for the messages marshmallow and webargs produce most often.
_FIELD_MESSAGES = {
    "Missing data for required field.": "必填字段缺失",
    "Unknown field.": "未知字段",
    "Not a valid integer.": "不是有效的整数",
    "Not a valid number.": "不是有效的数字",
    "Not a valid string.": "不是有效的字符串",
    "Not a valid boolean.": "不是有效的布尔值",
    "Not a valid date.": "不是有效的日期",
    "Not a valid datetime.": "不是有效的日期时间",
    "Not a valid list.": "不是有效的列表",
    "Invalid input type.": "输入类型无效",
    "Field may not be null.": "不能为空",
    "Invalid value.": "值无效",
}

_HTTP_ERRORS = {
    400: ("bad_request", "请求有误"),
    401: ("unauthorized", "请先登录"),
    403: ("forbidden", "没有权限"),
    404: ("not_found", "未找到"),
    405: ("method_not_allowed", "不支持该请求方法"),
    409: ("conflict", "与当前状态冲突"),
    413: ("payload_too_large", "请求体过大"),
    415: ("unsupported_media_type", "不支持的内容类型"),
    422: ("validation_error", "提交的数据有误"),
    429: ("rate_limited", "请求过于频繁,请稍后再试"),
    500: ("internal_error", "服务器内部错误"),
    503: ("service_unavailable", "服务暂不可用"),
}


def _chinese_first(message: Any) -> Any:
    if isinstance(message, str):
        zh = _FIELD_MESSAGES.get(message)
        if zh is None and message.startswith("Must be one of:"):
            zh = "取值不在允许范围内"
        elif zh is None and message.startswith(("Must be greater", "Must be less", "Must be at")):
            zh = "数值超出范围"
        elif zh is None and message.startswith(("Length must", "Shorter than", "Longer than")):
            zh = "长度不符合要求"
        return f"{zh} ({message})" if zh else message
    if isinstance(message, list):
        return [_chinese_first(m) for m in message]
    if isinstance(message, dict):
        return {k: _chinese_first(v) for k, v in message.items()}
    return message


def error_body(status: int, code: str, message: str, details: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status, "error": code, "message": message}
    if details:
        body["details"] = details
    return body


def error_response(status: int, code: str, message: str, details: Any = None):
    response = jsonify(error_body(status, code, message, details))
    response.status_code = status
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
    err, zh = _HTTP_ERRORS.get(code, ("http_error", error.name))
    message = f"{zh} ({(error.description or error.name)})" if code != 500 else f"{zh} (internal error)"
    details = None
    data = getattr(error, "data", None) or {}
    if code == 400 and "messages" in data:
        message = "请求体不是有效的 JSON (malformed JSON body)"
    elif code == 422 and "messages" in data:
        message = "提交的数据有误 (validation failed)"
        details = _chinese_first(_flatten_locations(data["messages"]))
    elif code == 429:
        message = f"{zh} (rate limit exceeded: {error.description})"
    response = error_response(code, err, message, details)
    original_headers = error.get_response().headers if code in (405, 429) else {}
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
        return error_response(error.status, error.code, error.message, error.details)

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
    except Exception:  # noqa: BLE001 - the connection may be gone; the error response matters more
        logger.warning("rollback after error failed", exc_info=True)
