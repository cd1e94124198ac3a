"""Run one request many times at once from threads, each with its own connection (PostgreSQL tests)."""

from __future__ import annotations

import threading
from collections.abc import Callable


def at_once(app, count: int, call: Callable) -> list:
    """Start ``count`` threads that call ``call(client, i)`` together; return their answers in order."""
    barrier = threading.Barrier(count)
    answers: list = [None] * count
    errors: list[BaseException] = []

    def run(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        try:
            answers[i] = call(client, i)
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    return answers
