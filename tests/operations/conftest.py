"""The broker taken away from this test process, and real PostgreSQL connection details."""

from __future__ import annotations

import contextlib
import socket
import threading
import uuid

import pytest
import redis
from django.conf import settings
from django.db import connection

from config.celery import app


def closed_port() -> int:
    """A local port nothing listens on (connections are refused at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _broker(url: str) -> None:
    app.conf.broker_url = url
    # The app keeps a connection pool and a producer pool made from the old address (kombu's
    # registry keeps them for when the address comes back).
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def broker_down():
    """Redis unreachable for this process (its address is a closed port), as when Redis is
    down; a worker started by ``celery_worker`` keeps the real one."""
    real = app.conf.broker_url
    _broker(f"redis://127.0.0.1:{closed_port()}/0")
    try:
        yield
    finally:
        _broker(real)


@contextlib.contextmanager
def broker_hung():
    """Redis that accepts connections (the kernel does) and never answers, as a hung server
    or a half-open network path would (for 30 seconds at most, so that a publish without a
    timeout fails its test instead of hanging it)."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        hang_up = threading.Timer(30, silent.close)
        hang_up.start()
        real = app.conf.broker_url
        _broker(f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        try:
            yield
        finally:
            hang_up.cancel()
            _broker(real)


@pytest.fixture
def private_queue():
    """Tasks this process queues go to a queue nobody consumes; yields a function that
    says how many messages wait in it."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    yield lambda: client.llen(queue)
    app.conf.task_default_queue = previous
    client.delete(queue)


def conninfo(**overrides) -> dict:
    """psycopg connection arguments for the test database (or another on its server)."""
    db = connection.settings_dict
    return {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432,
            "user": db["USER"], "password": db["PASSWORD"] or None,
            "dbname": db["NAME"], **overrides}
