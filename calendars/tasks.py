"""Celery tasks: fetch by id, call a service. Safe to run twice (see services.reminders)."""

from celery import shared_task

from . import services
from .services import reminders


@shared_task(acks_late=True, ignore_result=False)
def reminder_sweep() -> dict:
    """Daily at 07:00: plan today's reminders, then send them."""
    return {"planned": reminders.reminders_plan(), "sent": reminders.reminders_send()}


@shared_task(acks_late=True, ignore_result=False)
def reminder_sweep_hourly() -> dict:
    """Hourly, for steps counted in hours (24 h, 48 h)."""
    return {"planned": reminders.reminders_plan_hourly(), "sent": reminders.reminders_send()}


@shared_task(acks_late=True)
def deadlines_recompute_for_partnership(partnership_id: int, step_ids=None) -> int:
    return services.deadlines_recompute(partnership=partnership_id, step_ids=step_ids)
