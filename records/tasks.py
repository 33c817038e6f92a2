"""Celery tasks for records management. Safe to run twice (see services.retention_sweep)."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=False)
def retention_sweep() -> dict:
    """Nightly (beat): flag the cases past their retention period for review. Never deletes."""
    return {"flagged": services.retention_sweep()}
