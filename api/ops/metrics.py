"""Prometheus metrics at ``/metrics``: HTTP requests (prometheus-flask-exporter) and figures read from the database.

Requests by route and status, and their latency: ``flask_http_request_duration_seconds{method,route,status}``
(a histogram; its ``_count`` is the number of requests). With several gunicorn workers set
``PROMETHEUS_MULTIPROC_DIR`` (deploy/gunicorn.conf.py does) and every worker's counts are added up.
The database figures (outbox, SMS outcomes, scheduled jobs, heartbeats) are read at each scrape.
"""

from __future__ import annotations

import logging
import os

from flask import Flask, Response
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_flask_exporter import PrometheusMetrics
from sqlalchemy.exc import SQLAlchemyError

from api.common.db import utcnow
from api.extensions import db
from api.ops import service
from api.schedules import SCHEDULES

logger = logging.getLogger(__name__)
PLAIN_TEXT = "text/plain; version=0.0.4; charset=utf-8"


def route(req) -> str:
    """The route's rule (``/api/v1/pickup/bookings/<int:booking_id>``), never the raw path: ids stay out of labels."""
    return req.url_rule.rule if req.url_rule else "<unmatched>"


class DatabaseCollector:
    """Figures an operator watches, read from the database at each scrape (never fails the scrape)."""

    def collect(self):
        up = GaugeMetricFamily("zheli_database_up", "1 when the database answered this scrape")
        try:
            snap = service.snapshot(db.session, SCHEDULES, utcnow())
        except SQLAlchemyError:
            logger.warning("metrics: database unavailable", exc_info=True)
            db.session.rollback()
            up.add_metric([], 0)
            yield up
            return
        finally:
            db.session.remove()
        up.add_metric([], 1)
        yield up
        depth = GaugeMetricFamily("zheli_outbox_messages", "SMS waiting in the outbox, by status", labels=["status"])
        for status, count in snap.outbox_by_status.items():
            depth.add_metric([status], count)
        yield depth
        yield GaugeMetricFamily(
            "zheli_outbox_oldest_pending_age_seconds",
            "Age of the oldest pending SMS (since it was queued)",
            value=snap.oldest_pending_age_seconds,
        )
        yield GaugeMetricFamily(
            "zheli_outbox_overdue_seconds", "How long the most overdue pending SMS has waited past its due time", value=snap.overdue_seconds
        )
        finished = GaugeMetricFamily(
            "zheli_sms_finished_last_day", "SMS queued in the last 24 h that reached an outcome, by status", labels=["status"]
        )
        for status, count in snap.finished_last_day.items():
            finished.add_metric([status], count)
        yield finished
        yield GaugeMetricFamily(
            "zheli_sms_failure_ratio_last_day",
            "Share of the last 24 h's finished SMS that failed or were undelivered",
            value=service.failure_ratio(snap.finished_last_day),
        )
        success = GaugeMetricFamily(
            "zheli_scheduled_job_last_success_timestamp_seconds",
            "Unix time of each scheduled job's last success (0: never)",
            labels=["job"],
        )
        failing = GaugeMetricFamily("zheli_scheduled_job_last_run_failed", "1 when the job's last finished run failed", labels=["job"])
        duration = GaugeMetricFamily("zheli_scheduled_job_last_duration_seconds", "Duration of the job's last finished run", labels=["job"])
        for name, row in snap.jobs.items():
            success.add_metric([name], row.last_success_at.timestamp() if row and row.last_success_at else 0)
            failed = bool(row and row.last_failure_at and (not row.last_success_at or row.last_failure_at > row.last_success_at))
            failing.add_metric([name], int(failed))
            duration.add_metric([name], (row.last_duration_ms or 0) / 1000 if row else 0)
        yield from (success, failing, duration)
        beats = GaugeMetricFamily(
            "zheli_worker_last_heartbeat_timestamp_seconds", "Unix time of the last heartbeat, by worker kind", labels=["kind"]
        )
        for kind, at in snap.heartbeats.items():
            beats.add_metric([kind], at.timestamp())
        yield beats


def init_metrics(app: Flask) -> None:
    """Count every request and serve ``/metrics`` (outside the OpenAPI document: it is for Prometheus, not clients)."""
    multiprocess = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
    requests_registry = CollectorRegistry()  # one per app: tests build many apps in one process
    PrometheusMetrics(app, path=None, registry=requests_registry, group_by=route, excluded_paths=["^/metrics$"])
    database_registry = CollectorRegistry()
    database_registry.register(DatabaseCollector())

    def metrics():
        if multiprocess:
            merged = CollectorRegistry()
            MultiProcessCollector(merged)
            body = generate_latest(merged)
        else:
            body = generate_latest(requests_registry)
        body += generate_latest(database_registry)
        return Response(body, content_type=PLAIN_TEXT)

    app.add_url_rule("/metrics", "metrics", metrics)
