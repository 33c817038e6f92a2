"""Health of the running service, for the load balancer, compose and the operations team.

Reports counts and times only, never personal data: whether the database and the broker
answer, when the worker last beat, when the reminders were last planned, and how much
background work is waiting for a broker that was down.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Max
from django.utils import timezone
from kombu.exceptions import OperationalError

from .models import Heartbeat

WORKER = "worker"


def heartbeat_record(*, name: str = WORKER) -> Heartbeat:
    beat, _created = Heartbeat.objects.update_or_create(name=name,
                                                        defaults={"at": timezone.now()})
    return beat


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _broker_answers() -> bool:
    from config.celery import app

    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0,
                                     timeout=settings.HEALTH_BROKER_TIMEOUT)
        return True
    except (OperationalError, OSError):
        return False


def _iso(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def health_report(*, require_worker: bool = False) -> tuple[bool, dict]:
    """(healthy, report). Healthy when the database and the broker answer, which is what a
    web server needs; with ``require_worker``, also when the worker beat recently."""
    from calendars.models import DeadlineRecompute, SweepRun
    from cases.models import DocumentPreparation, SpreadsheetUpload

    now = timezone.now()
    database, broker = _database_answers(), _broker_answers()
    report = {"database": {"ok": database}, "broker": {"ok": broker},
              "worker": {"ok": False, "last_heartbeat": None},
              "reminder_sweep": {"last_run": None}, "retention_sweep": {"last_run": None},
              "waiting": None}
    if database:
        last_beat = Heartbeat.objects.filter(name=WORKER).values_list("at", flat=True).first()
        max_age = datetime.timedelta(seconds=settings.HEALTH_HEARTBEAT_MAX_AGE)
        report["worker"] = {"ok": last_beat is not None and now - last_beat <= max_age,
                            "last_heartbeat": _iso(last_beat)}
        last_runs = dict(SweepRun.objects.order_by().values_list("kind")
                         .annotate(at=Max("finished_at")))
        report["reminder_sweep"]["last_run"] = _iso(last_runs.get(SweepRun.Kind.REMINDER_PLAN))
        report["retention_sweep"]["last_run"] = _iso(
            last_runs.get(SweepRun.Kind.RETENTION_REVIEW))
        # Work recorded while the broker could not take it; the sweeps queue it.
        report["waiting"] = {
            "documents": DocumentPreparation.objects.filter(finished_at=None,
                                                            queued_at=None).count(),
            "deadline_recomputes": DeadlineRecompute.objects.filter(queued_at=None).count(),
            "spreadsheet_uploads": SpreadsheetUpload.objects.filter(finished_at=None,
                                                                    queued_at=None).count(),
        }
    healthy = database and broker and (report["worker"]["ok"] or not require_worker)
    report["status"] = "ok" if healthy else "unavailable"
    return healthy, report
