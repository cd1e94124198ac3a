"""Wires operations into the Flask app: JSON logs, request ids, metrics."""

from __future__ import annotations

from flask import Flask

from api.ops.logs import configure_logging, init_request_ids
from api.ops.metrics import init_metrics


def init_operations(app: Flask) -> None:
    configure_logging(app)
    init_request_ids(app)
    init_metrics(app)
