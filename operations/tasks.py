"""Celery tasks for operations. Safe to run twice."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Every minute from beat: the worker is alive and reaches the database."""
    services.heartbeat_record()
