"""Celery tasks: fetch by id, call a service. Safe to run twice (see services.reminders)."""

import logging

from celery import shared_task
from celery.signals import beat_init, worker_ready

from . import services
from .services import reminders

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=False)
def reminder_sweep() -> dict:
    """Daily at 07:00: plan today's reminders, then queue every due reminder's emails."""
    return {"planned": reminders.reminders_plan_daily(force=True),
            "sent": reminders.reminders_send()}


@shared_task(acks_late=True, ignore_result=False)
def reminder_sweep_hourly() -> dict:
    """Hourly, for steps counted in hours (24 h, 48 h); it also plans the day if 07:00 was
    missed, and sends what an interrupted sweep left."""
    return {"planned": reminders.reminders_plan_hourly(),
            "planned_daily": reminders.reminders_plan_daily(),
            "sent": reminders.reminders_send()}


@shared_task(acks_late=True, ignore_result=False)
def reminder_catch_up() -> dict:
    """When a worker or beat starts: the day's planning if it is due and has not run
    (a beat down at 07:00, or started later with a fresh schedule), and what is unsent."""
    return {"planned_daily": reminders.reminders_plan_daily(),
            "sent": reminders.reminders_send()}


@shared_task(acks_late=True, ignore_result=False)
def reminders_send_for_partnership(partnership_id: int) -> dict:
    """A business manager's "send today's reminders now": send what the page planned for
    the partnership. Lost or run twice, nothing is sent twice; the hourly sweep sends what
    it left."""
    return {"sent": reminders.reminders_send(partnership_id=partnership_id)}


def _catch_up_soon() -> None:
    try:
        reminder_catch_up.apply_async(retry=False)
    except Exception:  # noqa: BLE001 - any broker failure: the hourly sweep catches up
        logger.warning("Could not queue the reminder catch-up", exc_info=True)


@beat_init.connect
def reminder_catch_up_on_beat_start(**_kwargs) -> None:
    _catch_up_soon()


@worker_ready.connect
def reminder_catch_up_on_worker_start(sender=None, **_kwargs) -> None:
    """Only a worker that takes the default queue's tasks (a test's worker on a private
    queue would leave it for nobody)."""
    app = sender.app if sender is not None else reminder_catch_up.app
    if app.conf.task_default_queue in app.amqp.queues.consume_from:
        _catch_up_soon()


@shared_task(acks_late=True, reject_on_worker_lost=False)
def deadlines_recompute_for_partnership(partnership_id: int, step_ids=None) -> int:
    """What to recompute is read from the partnership's ``DeadlineRecompute`` row, not from
    the message (``step_ids`` is ignored: it stays so older messages are still accepted)."""
    return services.deadlines_recompute_run(partnership_id=partnership_id)


@shared_task(acks_late=True, ignore_result=False)
def deadlines_recompute_requeue() -> dict:
    """Every minute: queue the recomputes the broker never took or lost."""
    return services.deadlines_recompute_requeue()
