"""/health/: database, broker, worker heartbeat and the last reminder sweep, as JSON with
200 or 503, public, over plain HTTP by IP address, and without personal data."""

from __future__ import annotations

import datetime
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from calendars.models import SweepRun
from operations.models import Heartbeat
from operations.tasks import heartbeat

from .conftest import broker_down, closed_port

pytestmark = pytest.mark.django_db
KEYS = {"status", "database", "broker", "worker", "reminder_sweep", "retention_sweep",
        "waiting"}


def test_health_answers_200_with_every_check_and_no_personal_data(client, make_user):
    user = make_user()  # someone exists whose details must not appear
    finished = timezone.now() - datetime.timedelta(hours=2)
    SweepRun.objects.create(kind=SweepRun.Kind.REMINDER_PLAN, date=finished.date(),
                            finished_at=finished, planned=3)
    response = client.get(reverse("operations:health"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    report = response.json()
    assert set(report) == KEYS and report["status"] == "ok"
    assert report["database"] == {"ok": True} and report["broker"] == {"ok": True}
    assert report["worker"] == {"ok": False, "last_heartbeat": None}
    assert datetime.datetime.fromisoformat(report["reminder_sweep"]["last_run"]) == finished
    assert report["retention_sweep"] == {"last_run": None}  # not run yet
    assert report["waiting"] == {"documents": 0, "deadline_recomputes": 0,
                                 "spreadsheet_uploads": 0}
    body = response.content.decode()
    assert user.email not in body and user.full_name not in body


def test_health_is_answered_over_plain_http_by_ip_address_where_pages_are_not(client,
                                                                                settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["reviews.example.org"]
    response = client.get("/health/", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    # Everything else still refuses an unknown host and redirects to HTTPS.
    assert client.get(reverse("accounts:sign-in"), HTTP_HOST="10.0.0.5:8000").status_code == 400
    assert client.get(reverse("accounts:sign-in"),
                      HTTP_HOST="reviews.example.org").status_code == 301


def test_health_only_answers_get(client):
    assert client.post("/health/").status_code == 405


def test_health_is_503_when_the_broker_is_down(client):
    with broker_down():
        started = time.monotonic()
        response = client.get("/health/")
        assert time.monotonic() - started < 10
    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "unavailable"
    assert report["broker"] == {"ok": False} and report["database"] == {"ok": True}


@pytest.mark.django_db(transaction=True)
def test_health_is_503_when_the_database_is_down(client):
    saved_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = closed_port()
    try:
        response = client.get("/health/")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = saved_port
    assert response.status_code == 503
    report = response.json()
    assert report["database"] == {"ok": False} and report["broker"] == {"ok": True}
    assert report["waiting"] is None


def test_asking_for_the_worker_needs_a_recent_heartbeat(client, settings):
    assert client.get("/health/?worker").status_code == 503
    old = timezone.now() - datetime.timedelta(seconds=settings.HEALTH_HEARTBEAT_MAX_AGE + 1)
    Heartbeat.objects.create(name="worker", at=old)
    response = client.get("/health/?worker")
    assert response.status_code == 503 and response.json()["worker"]["ok"] is False
    assert client.get("/health/").status_code == 200  # a web server is still fine
    Heartbeat.objects.update_or_create(name="worker", defaults={"at": timezone.now()})
    assert client.get("/health/?worker").status_code == 200


def test_the_health_command_exits_non_zero_when_unhealthy(capsys):
    with pytest.raises(CommandError):
        call_command("health", "--worker")
    call_command("health")
    assert '"status": "ok"' in capsys.readouterr().out


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_the_worker_beats_through_the_broker_and_health_sees_it(celery_worker, client):
    queue, _mail = celery_worker
    assert client.get("/health/?worker").status_code == 503
    heartbeat.apply_async(queue=queue)
    deadline = time.monotonic() + 60
    while not Heartbeat.objects.filter(name="worker").exists():
        assert time.monotonic() < deadline, "the worker did not beat"
        time.sleep(0.2)
    response = client.get("/health/?worker")
    assert response.status_code == 200 and response.json()["worker"]["ok"] is True
