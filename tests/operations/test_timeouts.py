"""Timeouts: a database that does not answer gives the service's own error page within
seconds, not a request held until gunicorn kills it; tasks have time limits that fit the
sweeps. Real PostgreSQL: a lock held by another session stands in for a hung statement, a
socket that accepts and never answers for a hung server."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from calendars.services.recompute import RECOMPUTE_STALE_AFTER
from cases.documents import PREPARATION_STALE_AFTER
from config.celery import app

from .conftest import conninfo

OWN_ERROR_PAGE = "Sorry, there is a problem with the service"
PROBE = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({"OPTIONS": db.get("OPTIONS", {}), "CONN_MAX_AGE": db["CONN_MAX_AGE"],
                  "CONN_HEALTH_CHECKS": db["CONN_HEALTH_CHECKS"]}))
"""


def _settings(**env) -> dict:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DATABASE_URL", "DATABASE_STATEMENT_TIMEOUT", "DATABASE_RANDOM_PAGE_COST",
                          "DEBUG", "SECRET_KEY")}
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=settings.BASE_DIR,  # noqa: S603
                            env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings",
                                 "DEBUG": "true", **env},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.slow
def test_postgresql_connections_time_out_and_sqlite_keeps_working():
    values = _settings(DATABASE_URL="postgres://u@db.example:5433/spr")
    assert values["OPTIONS"]["connect_timeout"] == 5
    assert values["OPTIONS"]["options"] == "-c statement_timeout=15000 -c random_page_cost=1.1"
    assert values["CONN_MAX_AGE"] == 60 and values["CONN_HEALTH_CHECKS"] is True
    values = _settings(DATABASE_URL="postgres://u@db.example:5433/spr?options=-c%20work_mem%3D8MB",
                       DATABASE_STATEMENT_TIMEOUT="0", DATABASE_RANDOM_PAGE_COST="4")
    assert values["OPTIONS"]["options"] == (
        "-c work_mem=8MB -c statement_timeout=0 -c random_page_cost=4.0")
    # make run's SQLite gets none of PostgreSQL's options.
    assert "connect_timeout" not in _settings()["OPTIONS"]


@pytest.mark.django_db
def test_the_real_connection_has_the_statement_timeout():
    expected = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "15"))
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        shown = cursor.fetchone()[0]
    assert shown == (f"{expected}s" if expected else "0")


@contextlib.contextmanager
def _connection_settings(**changes):
    """Reconnect with changed settings (OPTIONS merged), then back."""
    saved = {key: connection.settings_dict.get(key) for key in changes}
    saved_options = dict(connection.settings_dict.get("OPTIONS", {}))
    connection.close()
    for key, value in changes.items():
        if key == "OPTIONS":
            connection.settings_dict["OPTIONS"] = {**saved_options, **value}
        else:
            connection.settings_dict[key] = value
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)
        connection.settings_dict["OPTIONS"] = saved_options


def _signed_in_client(user) -> Client:
    client = Client(raise_request_exception=False)  # as a browser sees it
    client.force_login(user)
    return client


def _assert_own_error_page(response) -> None:
    assert response.status_code == 500
    html = response.content.decode()
    assert OWN_ERROR_PAGE in html
    for leak in ("Traceback", "statement timeout", "canceling", "django_session",
                 "OperationalError", "psycopg", "timeout expired"):
        assert leak not in html


@pytest.mark.django_db(transaction=True)
def test_a_statement_past_the_timeout_is_cancelled_and_the_page_is_the_services_own(
        make_user):
    client = _signed_in_client(make_user(Role.BUSINESS_UNIT_OFFICER))
    # Half a second instead of the configured seconds, set the same way (at connection).
    with _connection_settings(OPTIONS={"options": "-c statement_timeout=500"}), \
            psycopg.connect(**conninfo()) as blocker:
        # Another session holds the sessions table, as a stuck transaction would (for ten
        # seconds: without the timeout the page would wait that long, and the test fail).
        blocker.execute("LOCK TABLE django_session IN ACCESS EXCLUSIVE MODE")
        release = threading.Timer(10, blocker.rollback)
        release.start()
        started = time.monotonic()
        response = client.get(reverse("dashboards:home"))
        elapsed = time.monotonic() - started
        release.cancel()
    _assert_own_error_page(response)
    assert elapsed < 5


@pytest.mark.django_db(transaction=True)
def test_a_database_server_that_never_answers_gives_the_error_page_within_the_connect_timeout(
        make_user):
    client = _signed_in_client(make_user(Role.BUSINESS_UNIT_OFFICER))
    timeout = connection.settings_dict["OPTIONS"]["connect_timeout"]
    with socket.socket() as silent:  # accepts connections (the kernel does), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        # Without the timeout the page would wait until this closes the socket: too late.
        hang_up = threading.Timer(timeout + 10, silent.close)
        hang_up.start()
        with _connection_settings(HOST="127.0.0.1", PORT=silent.getsockname()[1]):
            started = time.monotonic()
            response = client.get(reverse("dashboards:home"))
            elapsed = time.monotonic() - started
        hang_up.cancel()
    _assert_own_error_page(response)
    assert timeout - 1 < elapsed < timeout + 5


def test_task_time_limits_fit_the_sweeps_and_the_broker():
    soft, hard = app.conf.task_soft_time_limit, app.conf.task_time_limit
    assert 0 < soft < hard
    # A task still running is never taken for a lost one by the sweeps.
    assert hard < PREPARATION_STALE_AFTER.total_seconds()
    assert hard < RECOMPUTE_STALE_AFTER.total_seconds()
    if settings.CELERY_BROKER_URL.startswith("redis://"):
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        assert hard < options["visibility_timeout"]
        assert options["socket_timeout"] and options["socket_connect_timeout"]


def test_tasks_that_may_run_twice_are_acknowledged_late_but_not_redelivered_when_they_kill():
    from calendars.tasks import deadlines_recompute_for_partnership
    from cases.tasks import document_prepare, spreadsheet_upload_read

    for task in (document_prepare, spreadsheet_upload_read, deadlines_recompute_for_partnership):
        assert task.acks_late is True
        assert task.reject_on_worker_lost is False  # the sweep queues it again, a few times
