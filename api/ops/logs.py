"""JSON log lines with a request id, and a filter that keeps ID numbers and phones out of every line."""

from __future__ import annotations

import json
import logging
import re
import uuid
from datetime import UTC, datetime
from time import perf_counter

from flask import Flask, g, has_request_context, request

# An 18-character resident ID number (17 digits and a digit or X), and a mainland mobile number (optionally +86).
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)((?:\+?86)?1[3-9]\d)\d{4}(\d{4})(?!\d)")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
REQUEST_ID_HEADER = "X-Request-Id"
_STANDARD_ATTRS = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime", "request_id"}


def redact(text: str) -> str:
    """ID numbers and mobile numbers masked as the API masks them (3310**********1234, 138****0001)."""
    text = _ID_NUMBER.sub(lambda m: f"{m[1]}{'*' * 8}{m[2]}", text)
    return _PHONE.sub(lambda m: f"{m[1]}****{m[2]}", text)


class RedactingFilter(logging.Filter):
    """Put on a handler: every record that reaches it, from any logger, has its text and traceback redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and isinstance(value, str):
                record.__dict__[key] = redact(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class RequestIdFilter(logging.Filter):
    """Stamps the current request's id (or "-" outside a request) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id, extra fields, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        line.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD_ATTRS and not k.startswith("_")})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(app: Flask) -> None:
    """Root logging for API processes, workers and CLI commands: JSON (``LOG_FORMAT=json``, the default) or
    plain text, every handler redacting personal data and carrying the request id."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        if app.config.get("LOG_FORMAT", "json") == "json":
            handler.setFormatter(JsonFormatter())
        else:
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    for each in root.handlers:
        for kind in (RedactingFilter, RequestIdFilter):
            if not any(isinstance(f, kind) for f in each.filters):
                each.addFilter(kind())


access_logger = logging.getLogger("api.access")


def init_request_ids(app: Flask) -> None:
    """``X-Request-Id`` in (kept if well-formed, else made) and out, and one access log line a request."""

    @app.before_request
    def take_request_id():
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        g.request_started = perf_counter()

    @app.after_request
    def give_request_id(response):
        if "request_id" not in g:  # a before_request hook ahead of ours answered (e.g. the rate limiter)
            take_request_id()
        response.headers[REQUEST_ID_HEADER] = g.request_id
        access_logger.info(
            "%s %s %s",
            request.method,
            request.url_rule.rule if request.url_rule else request.path,
            response.status_code,
            extra={
                "status": response.status_code,
                "duration_ms": round((perf_counter() - g.request_started) * 1000, 1),
                "route": request.url_rule.rule if request.url_rule else None,
            },
        )
        return response
