"""gunicorn settings (production and ``make demo``): ``gunicorn -c deploy/gunicorn.conf.py wsgi:app``.

Access lines come from the app itself (JSON, with the request id, personal data masked), so gunicorn's own
access log is off. With ``PROMETHEUS_MULTIPROC_DIR`` set, /metrics adds up the request counts of every worker.
"""

import os
import shutil
from pathlib import Path

from api.common import server_errors

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = None
graceful_timeout = 20
timeout = 30
# Request-line and header limits, and gunicorn's own 400/414/431 answers in the SPEC error shape (JSON, not HTML).
limit_request_line = server_errors.LIMIT_REQUEST_LINE
limit_request_fields = server_errors.LIMIT_REQUEST_FIELDS
limit_request_field_size = server_errors.LIMIT_REQUEST_FIELD_SIZE
server_errors.install()


def on_starting(server):
    """A fresh metrics directory at each start: counts of workers from an earlier run must not be added in."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
