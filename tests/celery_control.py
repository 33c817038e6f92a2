"""Holding the test's Celery worker back and waiting for it (with the ``celery_worker``
fixture): work queued while the queue is paused waits in Redis, so a test can look at the
page in between; ``finished`` waits for a work row (``finished_at``) to be done."""

from __future__ import annotations

import socket
import time

import pytest
import redis
from django.conf import settings

from config.celery import app


def _worker_name(queue: str) -> str:
    return f"{queue}@{socket.gethostname()}"


def paused(queue: str) -> None:
    """The worker stops taking tasks from the queue (they wait in Redis)."""
    app.control.cancel_consumer(queue, destination=[_worker_name(queue)], reply=True)


def resumed(queue: str) -> None:
    app.control.add_consumer(queue, destination=[_worker_name(queue)], reply=True)


def waiting_in_broker(queue: str) -> int:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL).llen(queue)


def finished(row, timeout: float = 120):
    """The row once the worker has finished it (``finished_at`` set)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row.refresh_from_db()
        if row.finished_at is not None:
            return row
        time.sleep(0.2)
    pytest.fail(f"The worker did not finish {type(row).__name__} {row.pk}")
